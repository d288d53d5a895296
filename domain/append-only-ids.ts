/**
 * Ids in the order they were added, with membership in O(1). A fold adds one id per event; copying
 * an array and scanning it made each event cost the whole stream (docs/architecture.md#handling-a-command).
 *
 * Versions share one map of id → ordinal, and a version sees the ids whose ordinal is below its
 * size. Adding to the newest version grows the shared map; adding to an older one (a branch) copies
 * its own prefix first. Every version therefore stays what it was – the fold is still pure – and
 * the usual straight line of versions never copies. A snapshot stores the ids as a plain array
 * (`toJSON`), and `AppendOnlyIds.of` reads it back.
 */
export class AppendOnlyIds {
  private constructor(
    private readonly ordinals: Map<string, number>,
    readonly size: number,
  ) {}

  static of(ids: Iterable<string> = []): AppendOnlyIds {
    let version = new AppendOnlyIds(new Map(), 0);
    for (const id of ids) version = version.add(id);
    return version;
  }

  has(id: string): boolean {
    const ordinal = this.ordinals.get(id);
    return ordinal !== undefined && ordinal < this.size;
  }

  add(id: string): AppendOnlyIds {
    if (this.has(id)) return this;
    const ordinals = this.ordinals.size === this.size ? this.ordinals : new Map(this.entries());
    ordinals.set(id, this.size);
    return new AppendOnlyIds(ordinals, this.size + 1);
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (const [id] of this.entries()) yield id;
  }

  toJSON(): string[] {
    return [...this];
  }

  private *entries(): IterableIterator<[string, number]> {
    // A map iterates in insertion order, which is ordinal order.
    for (const entry of this.ordinals) {
      if (entry[1] >= this.size) return;
      yield entry;
    }
  }
}

/**
 * The port's filter subset, checked once and put in one shape for both stores: the in-memory store
 * evaluates it (`document-query.ts`), the MongoDB store translates it (`mongo-query.ts`). Filters
 * may come from query strings, so anything outside the subset is refused rather than passed on.
 */
import type { Filter, FindOptions } from './port.js';

export type Scalar = string | number | boolean;
export type RangeOperator = '$gt' | '$gte' | '$lt' | '$lte';
const RANGE_OPERATORS: readonly RangeOperator[] = ['$gt', '$gte', '$lt', '$lte'];

/** All conditions on one field; all of them must hold. */
export type FieldTest = {
  path: string;
  equals?: Scalar;
  in?: readonly Scalar[];
  ranges: ReadonlyArray<readonly [RangeOperator, string | number]>;
};

/** The field every read-model document keeps its last applied position in; it compares as a number. */
export const POSITION_FIELD = 'position';

export class UnsupportedQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedQueryError';
  }
}

const checkPath = (path: string): string => {
  if (path === '' || path.split('.').some((segment) => segment === '' || segment.startsWith('$'))) {
    throw new UnsupportedQueryError(`not a field path: ${JSON.stringify(path)}`);
  }
  return path;
};

const isDecimal = (value: unknown): boolean => typeof value === 'string' && /^\d+$/.test(value);

const isScalar = (value: unknown): value is Scalar =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

export const fieldTests = (filter: Filter): FieldTest[] =>
  Object.entries(filter).map(([path, condition]) => {
    checkPath(path);
    if (isScalar(condition)) {
      if (path === POSITION_FIELD && !isDecimal(condition)) throw new UnsupportedQueryError('position is compared with decimal strings');
      return { path, equals: condition, ranges: [] };
    }
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
      throw new UnsupportedQueryError(`unsupported condition on ${path}`);
    }
    const ranges: [RangeOperator, string | number][] = [];
    let values: Scalar[] | undefined;
    for (const [operator, operand] of Object.entries(condition) as [string, unknown][]) {
      if (operator === '$in') {
        if (!Array.isArray(operand) || !operand.every(isScalar)) throw new UnsupportedQueryError(`$in on ${path} needs a list of values`);
        values = [...operand];
      } else if ((RANGE_OPERATORS as readonly string[]).includes(operator)) {
        if (typeof operand !== 'string' && !(typeof operand === 'number' && Number.isFinite(operand))) {
          throw new UnsupportedQueryError(`${operator} on ${path} needs a string or a number`);
        }
        ranges.push([operator as RangeOperator, operand]);
      } else {
        throw new UnsupportedQueryError(`unsupported operator ${JSON.stringify(operator)} on ${path}`);
      }
    }
    if (values === undefined && ranges.length === 0) throw new UnsupportedQueryError(`empty condition on ${path}`);
    if (path === POSITION_FIELD && ![...(values ?? []), ...ranges.map(([, bound]) => bound)].every(isDecimal)) {
      throw new UnsupportedQueryError('position is compared with decimal strings');
    }
    return values === undefined ? { path, ranges } : { path, in: values, ranges };
  });

export type SortKey = readonly [path: string, direction: 1 | -1];

/** The sort with the port's tie-break: `id` ascending, unless the sort already names `id`. */
export const sortKeys = (options: FindOptions | undefined): SortKey[] => {
  const keys = (options?.sort ?? []).map(([path, direction]): SortKey => {
    checkPath(path);
    if (direction !== 1 && direction !== -1) throw new UnsupportedQueryError(`sort direction of ${path} must be 1 or -1`);
    return [path, direction];
  });
  return keys.some(([path]) => path === 'id') ? keys : [...keys, ['id', 1]];
};

/** The limit, or undefined for none; 0 means no documents. */
export const limitOf = (options: FindOptions | undefined): number | undefined => {
  const limit = options?.limit;
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw new UnsupportedQueryError(`limit must be a whole number ≥ 0, got ${limit}`);
  return limit;
};

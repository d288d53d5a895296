/**
 * Evaluating the port's filters and sorts on plain documents with MongoDB's semantics, so that the
 * in-memory store answers a query the way the MongoDB store does: a dotted path reaches into
 * sub-documents and through arrays, a field holding an array matches when any element does, a
 * range matches only values of its own type, and sorting orders types the way BSON does (missing,
 * numbers, strings, objects, arrays, booleans), an array by its least (ascending) or greatest
 * (descending) element. `position` compares as a number.
 */
import { POSITION_FIELD, type FieldTest, type RangeOperator, type Scalar, type SortKey } from './filter.js';
import { isPosition } from './position-key.js';

type Value = unknown;

/** Every value at `path`, arrays on the way expanded; an array at the end contributes its elements. */
export const valuesAt = (document: Value, path: string): Value[] => {
  // The usual case – a top-level field of a document – without splitting the path: every filter
  // and sort asks it of every document it looks at.
  if (!path.includes('.') && isObject(document)) {
    const value = document[path];
    return value === undefined ? [] : Array.isArray(value) ? [value, ...value] : [value];
  }
  let current: Value[] = [document];
  for (const segment of path.split('.')) {
    const next: Value[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        const index = /^\d+$/.test(segment) ? Number(segment) : undefined;
        if (index !== undefined && index < value.length) next.push(value[index]);
        for (const element of value) {
          if (isObject(element) && segment in element) next.push(element[segment]);
        }
      } else if (isObject(value) && segment in value) {
        next.push(value[segment]);
      }
    }
    current = next;
  }
  return current.flatMap((value) => (Array.isArray(value) ? [value, ...value] : [value])).filter((value) => value !== undefined);
};

const isObject = (value: Value): value is Record<string, Value> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** BSON's order of types: null and missing, numbers, strings, objects, arrays, booleans. */
const typeRank = (value: Value): number => {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' || typeof value === 'bigint') return 1;
  if (typeof value === 'string') return 2;
  if (Array.isArray(value)) return 4;
  if (typeof value === 'object') return 3;
  if (typeof value === 'boolean') return 5;
  return 6;
};

const compareValues = (a: Value, b: Value): number => {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return Math.sign(rank);
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  // Objects and arrays as values of a sort key: rare in read models; a stable order is enough.
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** `position` holds a decimal string of any length; as a bigint it compares as the number it is. */
const comparable = (path: string, value: Value): Value => (path === POSITION_FIELD && isPosition(value) ? BigInt(value) : value);

const sameBracket = (a: Value, b: Value): boolean => typeRank(a) === typeRank(b);

const satisfies = (value: Value, operator: RangeOperator, operand: Value): boolean => {
  if (!sameBracket(value, operand)) return false;
  const order = compareValues(value, operand);
  switch (operator) {
    case '$gt':
      return order > 0;
    case '$gte':
      return order >= 0;
    case '$lt':
      return order < 0;
    case '$lte':
      return order <= 0;
  }
};

const equal = (a: Value, b: Value): boolean => sameBracket(a, b) && compareValues(a, b) === 0;

const passes = (document: Value, test: FieldTest): boolean => {
  const values = valuesAt(document, test.path).map((value) => comparable(test.path, value));
  const operand = (scalar: Scalar) => comparable(test.path, scalar);
  if (test.equals !== undefined) {
    const wanted = operand(test.equals);
    if (!values.some((value) => equal(value, wanted))) return false;
  }
  if (test.in !== undefined) {
    const wanted = test.in.map(operand);
    if (!values.some((value) => wanted.some((candidate) => equal(value, candidate)))) return false;
  }
  // As in MongoDB, each operator may be met by a different element of an array.
  return test.ranges.every(([operator, bound]) => values.some((value) => satisfies(value, operator, operand(bound))));
};

export const matches = (document: Value, tests: readonly FieldTest[]): boolean => tests.every((test) => passes(document, test));

const sortValue = (document: Value, path: string, direction: 1 | -1): Value => {
  const values = valuesAt(document, path)
    .filter((value) => !Array.isArray(value))
    .map((value) => comparable(path, value));
  if (values.length === 0) return null;
  return values.reduce((best, value) => (compareValues(value, best) * direction < 0 ? value : best));
};

const sortValues = (document: Value, keys: readonly SortKey[]): Value[] => keys.map(([path, direction]) => sortValue(document, path, direction));

const compareSortValues = (keys: readonly SortKey[], a: readonly Value[], b: readonly Value[]): number => {
  for (const [index, [, direction]] of keys.entries()) {
    const order = compareValues(a[index], b[index]) * direction;
    if (order !== 0) return order;
  }
  return 0;
};

/**
 * `documents` in the order of `keys`, each document's sort values taken once rather than at every
 * comparison (a position turns into a bigint once per document, not twice per comparison).
 */
export const sortedBy = <D>(documents: readonly D[], keys: readonly SortKey[]): D[] =>
  documents
    .map((document) => ({ document, values: sortValues(document, keys) }))
    .sort((a, b) => compareSortValues(keys, a.values, b.values))
    .map(({ document }) => document);

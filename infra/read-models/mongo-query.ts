/**
 * The port's filters and sorts as MongoDB queries over stored documents: `id` is `_id`, `position`
 * is compared through its order-preserving key (`_position`), tombstones are left out.
 */
import type { Document, Sort } from 'mongodb';
import { POSITION_FIELD, UnsupportedQueryError, type FieldTest, type Scalar, type SortKey } from './filter.js';
import { positionKey } from './position-key.js';

/** Fields the store adds to every stored document; read models must not use them. */
export const STORED = { id: '_id', positionKey: '_position', deleted: '_deleted' } as const;

export const storedPath = (path: string): string => (path === 'id' ? STORED.id : path === POSITION_FIELD ? STORED.positionKey : path);

const storedOperand = (path: string, value: Scalar): Scalar => {
  if (path !== POSITION_FIELD) return value;
  if (typeof value !== 'string') throw new UnsupportedQueryError('position is compared with decimal strings');
  return positionKey(value);
};

export const LIVE_DOCUMENTS: Document = { [STORED.deleted]: { $ne: true } };

export const mongoFilter = (tests: readonly FieldTest[]): Document => {
  const filter: Document = { ...LIVE_DOCUMENTS };
  for (const test of tests) {
    const operand = (value: Scalar) => storedOperand(test.path, value);
    const condition: Document = {};
    if (test.equals !== undefined) condition['$eq'] = operand(test.equals);
    if (test.in !== undefined) condition['$in'] = test.in.map(operand);
    for (const [operator, bound] of test.ranges) condition[operator] = typeof bound === 'string' ? operand(bound) : bound;
    filter[storedPath(test.path)] = condition;
  }
  return filter;
};

export const mongoSort = (keys: readonly SortKey[]): Sort => Object.fromEntries(keys.map(([path, direction]) => [storedPath(path), direction]));

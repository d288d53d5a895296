import t from 'tap';
import type { DomainEvent } from '../../contracts/index.js';
import { goalMatrix, requirementBacklog } from '../../projections/index.js';
import { requirementCaptured } from '../support/fixtures.js';
import { fold, recorded } from '../support/projection-spec.js';

const goals = [
  { goalId: 'eng-1:goal-1', text: 'one view of the customer' },
  { goalId: 'g-quotes', text: 'Quotes answered within a working day' },
  { goalId: 'g-churn', text: 'Fewer customers lost' },
];
const captured = (requirementId: string, title: string, goalIds?: string[]): DomainEvent =>
  ({ type: 'RequirementCaptured', data: { ...requirementCaptured.data, requirementId, title, ...(goalIds ? { goalIds } : {}) } }) as DomainEvent;

t.test('given the backlog, then goals × requirements, goals nothing serves and requirements serving no goal', async (t) => {
  const backlog = fold(
    requirementBacklog,
    recorded([
      captured('req-1', 'Credit check on quotes', ['g-quotes']),
      captured('req-2', 'Customer master', ['eng-1:goal-1', 'g-quotes']),
      captured('req-3', 'Birthday greetings'),
      captured('req-4', 'Fax orders', ['eng-1:goal-1']),
      { type: 'RequirementRejected', data: { requirementId: 'req-4', previousStatus: 'captured', reason: 'no fax any more' } },
      captured('req-5', 'Quote approval workflow'),
      {
        type: 'RequirementRevised',
        data: { requirementId: 'req-5', changes: { goalIds: ['g-quotes'] }, previous: { goalIds: [] }, reason: 'it speeds up quotes' },
      },
    ]),
  );
  t.same(backlog.get('req-5')!.goalIds, ['g-quotes'], 'the backlog keeps the goals a revision names');
  t.same(backlog.get('req-3')!.goalIds, [], 'none named: none');
  t.strictSame(goalMatrix(goals, [...backlog.values()]), {
    goals: [
      { goalId: 'eng-1:goal-1', text: 'one view of the customer', requirements: [{ requirementId: 'req-2', title: 'Customer master', status: 'captured' }] },
      {
        goalId: 'g-quotes',
        text: 'Quotes answered within a working day',
        requirements: [
          { requirementId: 'req-1', title: 'Credit check on quotes', status: 'captured' },
          { requirementId: 'req-2', title: 'Customer master', status: 'captured' },
          { requirementId: 'req-5', title: 'Quote approval workflow', status: 'captured' },
        ],
      },
      { goalId: 'g-churn', text: 'Fewer customers lost', requirements: [] },
    ],
    unservedGoalIds: ['g-churn'],
    requirementsServingNoGoal: [{ requirementId: 'req-3', title: 'Birthday greetings', status: 'captured' }],
  });
});

t.test('backlog documents written before goals had ids serve no goal', async (t) => {
  const [item] = [...fold(requirementBacklog, recorded([captured('req-1', 'Old one')])).values()];
  const { goalIds: _none, ...old } = item!;
  t.same(goalMatrix(goals.slice(0, 1), [old as never]).requirementsServingNoGoal, [{ requirementId: 'req-1', title: 'Old one', status: 'captured' }]);
});

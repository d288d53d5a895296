/** The ranked backlog with its Pareto chart and the as-of control (to be built). */
import { EngagementNav } from '../components/engagement-nav.js';

export default function Backlog({ id }: { id: string }) {
  return <EngagementNav id={id} />;
}

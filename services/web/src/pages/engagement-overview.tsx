/** The engagement overview: phase timeline, readiness, the next gate and its waiver (to be built). */
import { EngagementNav } from '../components/engagement-nav.js';

export default function EngagementOverview({ id }: { id: string }) {
  return <EngagementNav id={id} />;
}

/** The team: members, roles, workgroups; adding and removing members (to be built). */
import { EngagementNav } from '../components/engagement-nav.js';

export default function Team({ id }: { id: string }) {
  return <EngagementNav id={id} />;
}

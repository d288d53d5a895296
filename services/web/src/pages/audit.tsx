/** The audit trail: search, filters, each entry's before and after, CSV export (to be built). */
import { EngagementNav } from '../components/engagement-nav.js';

export default function Audit({ id }: { id: string }) {
  return <EngagementNav id={id} />;
}

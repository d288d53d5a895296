/** The interview schedule and scheduling an interview (to be built). */
import { EngagementNav } from '../components/engagement-nav.js';

export default function InterviewSchedule({ id }: { id: string }) {
  return <EngagementNav id={id} />;
}

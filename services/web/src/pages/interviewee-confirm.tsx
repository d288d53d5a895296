/** The signed-in interviewee's confirmation page (to be built). */
export default function IntervieweeConfirm({ id }: { id: string }) {
  return <p>{id}</p>;
}

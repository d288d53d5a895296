/** One requirement: sources, priority, decisions (to be built). */
export default function Requirement({ id }: { id: string }) {
  return <p>{id}</p>;
}

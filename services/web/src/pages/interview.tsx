/** The interview record (to be built). */
export default function Interview({ id }: { id: string }) {
  return <p>{id}</p>;
}

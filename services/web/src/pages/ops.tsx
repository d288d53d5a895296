/** The operations dashboard (to be built). */
export default function Operations() {
  return <p>ops</p>;
}

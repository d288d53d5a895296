/** The page a confirmation link opens, for an interviewee without an account (to be built). */
export default function ConfirmationLink({ token }: { token: string }) {
  return <main id="main">{token}</main>;
}

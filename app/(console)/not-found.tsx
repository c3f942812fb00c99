import Link from "next/link";

/** Inside the console (an unknown job id, say): keep the sidebar. */
export default function ConsoleNotFound() {
  return (
    <section className="card" aria-labelledby="not-found-heading">
      <h1 id="not-found-heading">Not found</h1>
      <p>There is nothing here: the address is mistyped, or what it pointed to no longer exists.</p>
      <p>
        <Link href="/">Back to the overview</Link>
      </p>
    </section>
  );
}

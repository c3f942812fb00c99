import Link from "next/link";

/** The 403 page's text: which right the page needs, and who can grant it. */
export function ForbiddenMessage({ right }: { right: string }) {
  return (
    <>
      <h1 id="forbidden-heading">You need {right}</h1>
      <p>
        This page is shown only to admins who hold {right}. Ask the owner of this Custodian
        installation to grant it on the Admins page.
      </p>
      <p>
        <Link href="/">Back to the overview</Link>
      </p>
    </>
  );
}

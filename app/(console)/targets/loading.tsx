// Loading skeleton while the page renders on the server. Not under jobs/: a job page answers 404
// for an unknown id, and a status cannot change once a loading boundary has started streaming.
export { PageSkeleton as default } from "@/components/console/page-skeleton.tsx";

import "server-only";
import { headers } from "next/headers";
import { requestInfoFrom, type RequestInfo } from "@/lib/http/request-info.ts";

export { CLIENT_IP_HEADER, requestInfoFrom, type RequestInfo } from "@/lib/http/request-info.ts";

export async function requestInfo(): Promise<RequestInfo> {
  return requestInfoFrom(await headers());
}

import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  // Content-Security-Policy (with a per-request script nonce) and HSTS come from proxy.ts.
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `npm test` runs tsc over the whole tree (tests and CLI included); the build need not repeat it,
  // and a type slip in a test must not stop an operator's `npm start`.
  typescript: { ignoreBuildErrors: true },
  // Native modules and the generated Prisma clients stay outside the bundle.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
    "@node-rs/argon2",
    "pino",
    "prom-client",
    // yazl and the CRC-32 module it loads: lib/export/native-zip-crc.ts patches that very instance.
    "yazl",
    "buffer-crc32",
  ],
  // authInterrupts: forbidden() answers 403 with app/(console)/forbidden.tsx for pages a right guards.
  experimental: { serverActions: { bodySizeLimit: "1mb" }, authInterrupts: true },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;

import { secureHeaders } from "hono/secure-headers";

/**
 * A strict policy for every response: no inline script or style, nothing
 * from other origins, no framing. Public JSON and badges are meant to be read
 * and embedded elsewhere, so resources are not pinned to this origin.
 */
export const securityHeaders = () =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      scriptSrc: ["'self'"],
      connectSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "strict-origin-when-cross-origin",
    crossOriginResourcePolicy: "cross-origin",
    crossOriginOpenerPolicy: "same-origin",
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
    // A handler may set one stricter (an acknowledgement link's page sends no referrer to other
    // sites, not even its origin: worker/routes/alert-ack.tsx); what it set is kept.
    overwrite: false,
  });

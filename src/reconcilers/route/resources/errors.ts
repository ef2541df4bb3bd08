/**
 * A Route whose configuration cannot be turned into routing (bad template, host name too long,
 * invalid annotation). The Route reports it as AllTrafficAssigned False with reason `ErrorConfig`;
 * retrying cannot help until the Route or the ConfigMaps change.
 */
export class RouteConfigError extends Error {
  override name = "RouteConfigError";
  readonly reason = "ErrorConfig";
}

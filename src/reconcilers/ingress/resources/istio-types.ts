/** Short names for the parts of the Istio v1 types the builders fill in. */
import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";

export type { IVirtualService, IGateway };
export type VirtualServiceSpec = NonNullable<IVirtualService["spec"]>;
export type HTTPRoute = NonNullable<VirtualServiceSpec["http"]>[number];
export type HTTPMatchRequest = NonNullable<HTTPRoute["match"]>[number];
export type HTTPRouteDestination = NonNullable<HTTPRoute["route"]>[number];
export type GatewaySpec = NonNullable<IGateway["spec"]>;
export type Server = NonNullable<GatewaySpec["servers"]>[number];

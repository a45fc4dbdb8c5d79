export const VERSION = "v1beta1";
export const SANDBOX_API_VERSION = "agents.x-k8s.io/v1beta1";
export const EXTENSIONS_API_VERSION = "extensions.agents.x-k8s.io/v1beta1";

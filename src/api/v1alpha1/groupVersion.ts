export const VERSION = "v1alpha1";
export const SANDBOX_API_VERSION = "agents.x-k8s.io/v1alpha1";
export const EXTENSIONS_API_VERSION = "extensions.agents.x-k8s.io/v1alpha1";

export * from "./event";
export * from "./lease";
export * from "./meta";
export * from "./networkPolicy";
export * from "./pod";
export * from "./pvc";
export * from "./service";

// Field paths in the form kube-apiserver reports them: `spec.replicas`, `spec.containers[0].name`.

export const childPath = (base: string, key: string): string => (base === "" ? key : `${base}.${key}`);

export const indexPath = (base: string, i: number): string => `${base}[${i}]`;

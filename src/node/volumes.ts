import { isAbsolute, join, normalize } from "node:path";
import { Either } from "effect";

/** A volume source as far as the agent reads it (a subset of core/v1 Volume). */
export interface VolumeSpec {
  readonly name: string;
  readonly persistentVolumeClaim?: { readonly claimName: string; readonly readOnly?: boolean };
  readonly emptyDir?: unknown;
  readonly hostPath?: { readonly path: string };
  readonly configMap?: { readonly name?: string };
  readonly secret?: { readonly secretName?: string };
}

export interface MountSpec {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
  readonly readOnly?: boolean;
}

/** A host directory that appears at `mountPath` inside the container. */
export interface Mount {
  readonly mountPath: string;
  readonly hostPath: string;
  readonly readOnly: boolean;
}

/** Where a pod's volumes live on the host. */
export interface VolumeDirs {
  /** `<stateDir>/volumes`: PVC directories, kept after the pod is gone. */
  readonly persistentRoot: string;
  /** `<podDir>/volumes`: emptyDir, configMap and secret contents, removed with the pod. */
  readonly podVolumes: string;
}

/**
 * The host directory backing a volume. A PVC maps to `<persistentRoot>/<namespace>/<claimName>`, the
 * same directory for every pod that uses the claim, so data survives pod deletion (suspend/resume).
 */
export const volumeHostPath = (
  namespace: string,
  volume: VolumeSpec,
  dirs: VolumeDirs,
): Either.Either<string, string> => {
  if (volume.persistentVolumeClaim)
    return Either.right(join(dirs.persistentRoot, namespace, volume.persistentVolumeClaim.claimName));
  if (volume.hostPath) return Either.right(normalize(volume.hostPath.path));
  if (volume.emptyDir !== undefined || volume.configMap || volume.secret)
    return Either.right(join(dirs.podVolumes, volume.name));
  return Either.left(
    `volume "${volume.name}" has a source the node agent does not support (use persistentVolumeClaim, emptyDir, hostPath, configMap or secret)`,
  );
};

const safeSubPath = (subPath: string): boolean =>
  !isAbsolute(subPath) && !normalize(subPath).split("/").includes("..");

/** A container's mounts, outermost first so nested mount paths bind over their parents. */
export const planMounts = (
  namespace: string,
  volumes: readonly VolumeSpec[],
  mounts: readonly MountSpec[],
  dirs: VolumeDirs,
): Either.Either<Mount[], string> => {
  const planned: Mount[] = [];
  for (const m of mounts) {
    const volume = volumes.find((v) => v.name === m.name);
    if (volume === undefined) return Either.left(`volumeMount "${m.name}" names no volume of the pod`);
    if (!isAbsolute(m.mountPath)) return Either.left(`mountPath "${m.mountPath}" must be absolute`);
    if (m.subPath && !safeSubPath(m.subPath))
      return Either.left(`subPath "${m.subPath}" must be relative, without ".."`);
    const host = volumeHostPath(namespace, volume, dirs);
    if (Either.isLeft(host)) return Either.left(host.left);
    planned.push({
      mountPath: normalize(m.mountPath),
      hostPath: m.subPath ? join(host.right, m.subPath) : host.right,
      readOnly: m.readOnly === true || volume.persistentVolumeClaim?.readOnly === true,
    });
  }
  return Either.right(planned.sort((a, b) => a.mountPath.length - b.mountPath.length));
};

const under = (path: string, dir: string): boolean =>
  dir === "/" || path === dir || path.startsWith(`${dir}/`);

/**
 * Where an in-container path lives on the host when there is no mount namespace: inside the deepest
 * mount that covers it, otherwise under the pod's own root directory.
 */
export const hostPathFor = (path: string, mounts: readonly Mount[], rootfs: string): string => {
  const p = normalize(isAbsolute(path) ? path : `/${path}`);
  const mount = [...mounts].reverse().find((m) => under(p, m.mountPath));
  if (mount === undefined) return join(rootfs, p);
  return join(mount.hostPath, p.slice(mount.mountPath === "/" ? 0 : mount.mountPath.length));
};

// String formats kube-apiserver checks in CRD schemas (a subset of its registry). Unknown formats, and
// the numeric formats int32/int64/float/double, are accepted as kube-apiserver accepts them: they only
// document the intended width.

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d|w))+$/;

const validCalendarDate = (y: string, m: string, d: string): boolean => {
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
};

const isDateTime = (s: string): boolean => {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, se] = m;
  return validCalendarDate(y!, mo!, d!) && Number(h) < 24 && Number(mi) < 60 && Number(se) < 61;
};

const isDate = (s: string): boolean => {
  const m = DATE.exec(s);
  return m !== null && validCalendarDate(m[1]!, m[2]!, m[3]!);
};

const isIPv6 = (s: string): boolean => {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split("::").length > 2) return false;
  try {
    return new URL(`http://[${s}]/`).hostname.length > 0;
  } catch {
    return false;
  }
};

const CHECKS: Readonly<Record<string, (s: string) => boolean>> = {
  "date-time": isDateTime,
  datetime: isDateTime,
  date: isDate,
  uuid: (s) => UUID.test(s),
  byte: (s) => BASE64.test(s),
  hostname: (s) => HOSTNAME.test(s),
  ipv4: (s) => IPV4.test(s),
  ipv6: isIPv6,
  duration: (s) => DURATION.test(s),
};

/** False only when `format` is one we check and `value` breaks it. */
export const matchesFormat = (format: string, value: string): boolean => {
  const check = CHECKS[format];
  return check === undefined || check(value);
};

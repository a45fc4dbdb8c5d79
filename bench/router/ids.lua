-- Spreads requests over many X-Sandbox-ID values (env SANDBOX_IDS, default 1000) on SANDBOX_PATH (from
-- bench/profiles.json via run.ts) and prints a JSON summary. REQUEST_DELAY_MS > 0 makes each connection wait
-- that long before each request (a load below saturation; the wait is not counted in the latency).
local count = tonumber(os.getenv("SANDBOX_IDS") or "1000")
local port = os.getenv("SANDBOX_PORT") or "8888"
local path = os.getenv("SANDBOX_PATH") or "/"
local ids = {}
for i = 0, count - 1 do ids[i + 1] = "sandbox-" .. i end
wrk.headers["X-Sandbox-Port"] = port

local delayMs = tonumber(os.getenv("REQUEST_DELAY_MS") or "0")
if delayMs > 0 then
  delay = function()
    return delayMs
  end
end

request = function()
  wrk.headers["X-Sandbox-ID"] = ids[math.random(count)]
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, errors, latency:percentile(50), latency:percentile(99)))
end

-- wrk script: optional method/body/headers from the environment, and one JSON line at the end with
-- requests, duration, latency percentiles and errors (socket errors + non-2xx/3xx answers).
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local ctype = os.getenv("BENCH_CTYPE")
local auth = os.getenv("BENCH_TOKEN")
local host = os.getenv("BENCH_HOST")

wrk.method = method
if body and body ~= "" then wrk.body = body end
if ctype and ctype ~= "" then wrk.headers["Content-Type"] = ctype end
if auth and auth ~= "" then wrk.headers["Authorization"] = "Bearer " .. auth end
if host and host ~= "" then wrk.headers["Host"] = host end

-- an alternating target: every other request of each connection's thread goes to the other path and body
local alt_path = os.getenv("BENCH_ALT_PATH")
local alt_body = os.getenv("BENCH_ALT_BODY")
if alt_path and alt_path ~= "" then
  local n = 0
  request = function()
    n = n + 1
    if n % 2 == 0 then
      return wrk.format(nil, alt_path, nil, alt_body ~= "" and alt_body or nil)
    end
    return wrk.format()
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"errors":%d,"status_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.connect + e.read + e.write + e.timeout + e.status, e.status))
end

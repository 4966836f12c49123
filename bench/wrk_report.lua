-- wrk script for bench/run.py: one session cookie per request in turn (BENCH_COOKIES,
-- comma-separated "name=value"), and one machine-readable line at the end:
-- BENCH <requests> <errors> <duration in microseconds> <p50 µs> <p99 µs>
local cookies = {}
for cookie in string.gmatch(os.getenv("BENCH_COOKIES") or "", "[^,]+") do
  table.insert(cookies, cookie)
end
local counter = 0

request = function()
  counter = counter + 1
  if #cookies == 0 then
    return wrk.format("GET")
  end
  return wrk.format("GET", nil, { ["Cookie"] = cookies[(counter % #cookies) + 1] })
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %.0f %.0f\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end

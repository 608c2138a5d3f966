-- wrk script for bench/run.py: visitors, signed-in members, votes, and one
-- JSON line of results at the end.
--
--   wrk ... -s bench/wrk/mlqa.lua URL -- MODE [SESSIONS_FILE [ANSWERS_FILE]]
--
-- MODE "visitor": plain GET of URL, no cookie (wrk's fast static request).
-- MODE "member":  GET of URL with the cookies of a member picked at random
--                 from SESSIONS_FILE (lines "sessionid csrftoken").
-- MODE "vote":    POST /answers/<id>/vote/ as htmx does (HX-Request, the
--                 X-CSRFToken header and matching csrftoken cookie), for a
--                 random member, a random answer from ANSWERS_FILE (one id a
--                 line) and a random value among up, down and clear.

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
end

local mode = "visitor"
local members = {}
local answers = {}
local choices = { "up", "down", "clear" }

local function read_lines(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then
      out[#out + 1] = line
    end
  end
  return out
end

function init(args)
  mode = args[1] or "visitor"
  math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919)
  if mode == "visitor" then
    request = nil -- no request function: wrk sends its static request
    return
  end
  for _, line in ipairs(read_lines(args[2])) do
    local session, csrf = line:match("^(%S+)%s+(%S+)$")
    members[#members + 1] = {
      cookie = "sessionid=" .. session .. "; csrftoken=" .. csrf,
      csrf = csrf,
    }
  end
  if mode == "vote" then
    answers = read_lines(args[3])
  end
end

function request()
  local member = members[math.random(#members)]
  if mode == "member" then
    return wrk.format("GET", nil, { ["Cookie"] = member.cookie })
  end
  local answer = answers[math.random(#answers)]
  return wrk.format("POST", "/answers/" .. answer .. "/vote/", {
    ["Cookie"] = member.cookie,
    ["X-CSRFToken"] = member.csrf,
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "value=" .. choices[math.random(#choices)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'MLQA-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean
  ))
end

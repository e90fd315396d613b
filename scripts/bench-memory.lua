-- wrk script for scripts/bench-memory.sh: a mix of reads, lookups, compatibility checks, idempotent
-- re-registrations and unknown routes against subjects that bench-memory.sh registered beforehand.
-- Usage: wrk ... -s scripts/bench-memory.lua URL -- DATA_FILE
-- DATA_FILE is Lua that sets `subjects` (names), `ids` (schema ids) and `bodies[subject]` (request
-- bodies {"schema": ...}, one per registered version). Nothing this mix sends creates a new schema,
-- version or subject, so the data the server holds stays the same however long it runs.
-- At the end it prints "bench-memory: unknown_route_404=N unexpected=M" where unexpected counts
-- answers other than 2xx and the unknown route's own {"error_code":404} answer.

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_index", #threads)
end

function init(args)
    dofile(args[1])
    counter = thread_index -- threads start at different points of the rotation
    unknown_route_404 = 0
    unexpected = 0
    unexpected_sample = ""
end

local json = { ["Content-Type"] = "application/vnd.schemaregistry.v1+json" }
local kinds = 8

function request()
    counter = counter + 1
    local kind = counter % kinds
    local round = math.floor(counter / kinds)
    local subject = subjects[round % #subjects + 1]
    local versions = bodies[subject]
    local body = versions[round % #versions + 1]
    if kind == 0 then
        return wrk.format("GET", "/schemas/ids/" .. ids[round % #ids + 1])
    elseif kind == 1 then
        return wrk.format("GET", "/subjects/" .. subject .. "/versions/latest")
    elseif kind == 2 then
        return wrk.format("GET", "/subjects/" .. subject .. "/versions")
    elseif kind == 3 then
        return wrk.format("POST", "/subjects/" .. subject, json, body)
    elseif kind == 4 then
        return wrk.format("POST", "/compatibility/subjects/" .. subject .. "/versions/latest", json, body)
    elseif kind == 5 then
        return wrk.format("POST", "/subjects/" .. subject .. "/versions", json, body)
    elseif kind == 6 then
        return wrk.format("GET", "/subjects")
    else
        return wrk.format("GET", "/no-such-route/" .. round % 100)
    end
end

function response(status, headers, body)
    if status >= 200 and status < 300 then
        return
    end
    if status == 404 and body and body:find('"error_code"%s*:%s*404[,}]') then
        unknown_route_404 = unknown_route_404 + 1
    else
        unexpected = unexpected + 1
        if unexpected_sample == "" then
            unexpected_sample = status .. " " .. (body or "")
        end
    end
end

function done(summary, latency, requests)
    local not_found, bad, sample = 0, 0, ""
    for _, thread in ipairs(threads) do
        not_found = not_found + thread:get("unknown_route_404")
        bad = bad + thread:get("unexpected")
        local s = thread:get("unexpected_sample")
        if sample == "" and s and s ~= "" then sample = s end
    end
    io.write(string.format("bench-memory: unknown_route_404=%d unexpected=%d\n", not_found, bad))
    if sample ~= "" then
        io.write("bench-memory: first unexpected answer: " .. sample .. "\n")
    end
end

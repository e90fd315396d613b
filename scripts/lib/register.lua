-- wrk script for the benchmarks' registrations: every request adds an optional field with a fresh name, so each one
-- is a new schema, backward compatible with the latest version of its subject.
-- Usage: wrk ... -s scripts/lib/register.lua URL [-- SUBJECT [TAG]]
-- SUBJECT (default bench-writes-value) has its "%t" replaced by the wrk thread's number, for a subject per thread;
-- TAG goes into every field name, so that several wrk processes register different schemas.
local created = 0
function setup(thread)
    created = created + 1
    thread:set("tid", created)
end
function init(args)
    counter = 0
    subject = string.gsub(args[1] or "bench-writes-value", "%%t", tostring(tid))
    tag = args[2] or ""
end
function request()
    counter = counter + 1
    local field = "f_" .. tag .. tid .. "_" .. counter
    local body = '{"schema":"{\\"type\\":\\"record\\",\\"name\\":\\"Event\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"long\\"},'
        .. '{\\"name\\":\\"' .. field .. '\\",\\"type\\":[\\"null\\",\\"string\\"],\\"default\\":null}]}"}'
    return wrk.format("POST", "/subjects/" .. subject .. "/versions",
        { ["Content-Type"] = "application/vnd.schemaregistry.v1+json" }, body)
end

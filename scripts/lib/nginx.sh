# Sourced by the benchmark scripts.
# write_nginx_conf DIR PORT WORKERS ROOT: writes DIR/nginx.conf for an nginx serving ROOT's files on 127.0.0.1:PORT
# as the registry's content type, with keep-alive connections that never end and no access log, as the reference
# the registry's reads are measured against. Start it with `nginx -p DIR -c DIR/nginx.conf`.
write_nginx_conf() {
    local dir=$1 port=$2 workers=$3 root=$4
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 100000000;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    server {
        listen 127.0.0.1:$port;
        root $root;
        default_type application/vnd.schemaregistry.v1+json;
    }
}
CONF
}

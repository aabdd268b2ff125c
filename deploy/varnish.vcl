# Varnish in front of `make serve` (gunicorn on 127.0.0.1:8000), behind the TLS proxy. Debian: apt-get install varnish;
# run e.g. `varnishd -a 127.0.0.1:6081 -f /path/to/deploy/varnish.vcl -s malloc,256m` and point the TLS proxy at
# 127.0.0.1:6081; set DJANGO_HTTP_CACHE_PURGE_URLS=http://127.0.0.1:6081/ on every app server.
#
# Only what the site marks shared is kept: anonymous pages with `s-maxage` in Cache-Control, for as long as it
# says. Anyone with a session, CSRF, message or commenter cookie goes straight to the site, as do the admin and
# previews. When content changes the site sends BAN with `X-Cache-Ban`, a regular expression over the page's
# `X-Cache-Tags` (core/httpcache.py), and every page showing what changed is dropped at once. No grace: a page
# is never served after it expired or was banned.
vcl 4.1;

backend site {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (!req.http.X-Cache-Ban) {
            return (synth(400, "X-Cache-Ban is missing"));
        }
        ban("obj.http.X-Cache-Tags ~ " + req.http.X-Cache-Ban);
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/" || req.url ~ "^/preview/") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken|messages|comment_author|comment_pending)=") {
        return (pass);
    }
    # No other cookie changes a page; dropping them lets every anonymous reader share it.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "s-maxage=[1-9]") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-HTTP-Cache = "hit";
    } else {
        set resp.http.X-HTTP-Cache = "miss";
    }
    unset resp.http.X-Cache-Tags;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

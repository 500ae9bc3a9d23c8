//! The client's address: the socket's peer, or, when the peer is a configured trusted proxy
//! (`http.trusted_proxies`), the address that proxy reports in `Forwarded` (RFC 7239) or
//! `X-Forwarded-For`.
//!
//! Login limits, the public booking limit and the audit log key on this address. Behind a
//! reverse proxy that is not configured as trusted, every client has the proxy's address (so
//! ten bad logins would lock everyone out); a header from a peer that is not trusted is never
//! believed (a client could name any address). The hops are read from the right: the first
//! one that is not itself a trusted proxy is the client, so a client cannot hide behind an
//! address it writes at the left of the header.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The address a request came from, as [`client_address`] resolved it; `None` for in-process
/// requests (tests), which have no socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress {
    pub ip: Option<IpAddr>,
    /// The request came through a proxy (a forwarding header was present), trusted or not.
    pub relayed: bool,
}

impl ClientAddress {
    /// The address as the audit log and the rate limits write it ("local" in-process).
    pub fn text(&self) -> String {
        self.ip
            .map(|ip| ip.to_canonical().to_string())
            .unwrap_or_else(|| "local".to_owned())
    }

    /// A request from this machine itself that no proxy relayed (the metrics rule).
    pub fn is_local_machine(&self) -> bool {
        !self.relayed && self.ip.is_none_or(|ip| ip.to_canonical().is_loopback())
    }
}

/// A list of trusted proxies that cannot be read. `Display` is for operators.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not an address or a network: write addresses or networks separated by commas, for example 127.0.0.1, 10.0.0.0/8, ::1"
)]
pub struct BadProxy(pub String);

/// Parses `http.trusted_proxies`: addresses and networks, separated by commas.
pub fn parse_trusted(spec: &str) -> Result<Vec<IpNet>, BadProxy> {
    spec.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<IpNet>()
                .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| BadProxy(p.to_owned()))
        })
        .collect()
}

/// Resolves the client's address once per request, for every layer and handler after it.
pub async fn layer(State(state): State<crate::AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let address = resolve(peer, req.headers(), &state.http.trusted_proxies);
    req.extensions_mut().insert(address);
    next.run(req).await
}

/// The client's address from the peer and the forwarding headers (see the module's words).
pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> ClientAddress {
    let hops = hops(headers);
    let relayed = hops.is_some();
    let Some(peer) = peer else {
        return ClientAddress { ip: None, relayed };
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(&ip.to_canonical()));
    let mut client = peer;
    if is_trusted(peer) {
        for hop in hops.unwrap_or_default().iter().rev() {
            // An unreadable or hidden hop ("unknown", "_secret"): the nearest trusted proxy's
            // word stops there, and the address it came from is the last one read.
            let Some(ip) = hop else { break };
            client = *ip;
            if !is_trusted(*ip) {
                break;
            }
        }
    }
    ClientAddress {
        ip: Some(client),
        relayed,
    }
}

/// The forwarding hops, leftmost (the original client) first: `Forwarded`'s `for=` when present,
/// else `X-Forwarded-For`. `None` when neither header is present.
fn hops(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return Some(
            forwarded
                .iter()
                .flat_map(|v| v.split(','))
                .map(|element| {
                    element
                        .split(';')
                        .filter_map(|pair| pair.split_once('='))
                        .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                        .and_then(|(_, v)| node_address(v))
                })
                .collect(),
        );
    }
    let xff: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!xff.is_empty()).then(|| {
        xff.iter()
            .flat_map(|v| v.split(','))
            .map(node_address)
            .collect()
    })
}

/// An address in a forwarding header: `192.0.2.1`, `"192.0.2.1:4711"`, `"[2001:db8::1]:4711"`,
/// `2001:db8::1`. Obfuscated names and `unknown` are `None`.
fn node_address(raw: &str) -> Option<IpAddr> {
    let v = raw.trim().trim_matches('"');
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    v.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn a_header_is_believed_only_from_a_trusted_proxy() {
        let trusted = parse_trusted("127.0.0.1, 10.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.7")]);
        // Straight from the internet, the header is the client's own words: ignored.
        assert_eq!(
            resolve(ip("198.51.100.2"), &h, &trusted).ip,
            ip("198.51.100.2")
        );
        // Through the proxy on this machine: the client it reports.
        assert_eq!(resolve(ip("127.0.0.1"), &h, &trusted).ip, ip("203.0.113.7"));
        // No proxy configured: the proxy's own address, for every client.
        assert_eq!(resolve(ip("127.0.0.1"), &h, &[]).ip, ip("127.0.0.1"));
    }

    #[test]
    fn the_client_cannot_hide_behind_an_address_it_writes_itself() {
        let trusted = parse_trusted("10.0.0.0/8").unwrap();
        // The client sent "X-Forwarded-For: 10.9.9.9, 1.2.3.4" itself; the proxy appended its
        // peer. Read from the right, the first hop not trusted is the real client.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 10.9.9.9, 203.0.113.7")]);
        assert_eq!(resolve(ip("10.0.0.5"), &h, &trusted).ip, ip("203.0.113.7"));
        // Two trusted proxies in a row are both passed.
        let h = headers(&[("x-forwarded-for", "203.0.113.7, 10.1.1.1")]);
        assert_eq!(resolve(ip("10.0.0.5"), &h, &trusted).ip, ip("203.0.113.7"));
    }

    #[test]
    fn forwarded_is_read_with_ports_quotes_and_ipv6() {
        let trusted = parse_trusted("::1, 127.0.0.0/8").unwrap();
        let h = headers(&[(
            "forwarded",
            r#"for="[2001:db8::17]:4711";proto=https, for=127.0.0.2"#,
        )]);
        assert_eq!(resolve(ip("::1"), &h, &trusted).ip, ip("2001:db8::17"));
        let h = headers(&[("forwarded", "for=\"198.51.100.9:1234\"")]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &h, &trusted).ip,
            ip("198.51.100.9")
        );
        // Forwarded wins over X-Forwarded-For when a proxy sends both.
        let h = headers(&[
            ("forwarded", "for=198.51.100.9"),
            ("x-forwarded-for", "192.0.2.1"),
        ]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &h, &trusted).ip,
            ip("198.51.100.9")
        );
        // A hidden hop stops the walk at the proxy that reported it.
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(resolve(ip("127.0.0.1"), &h, &trusted).ip, ip("127.0.0.1"));
    }

    #[test]
    fn relayed_requests_are_never_from_this_machine() {
        let h = headers(&[("x-forwarded-for", "127.0.0.1")]);
        // A proxy on this machine, not configured: its requests look local but are relayed.
        assert!(!resolve(ip("127.0.0.1"), &h, &[]).is_local_machine());
        assert!(resolve(ip("127.0.0.1"), &HeaderMap::new(), &[]).is_local_machine());
        assert!(resolve(ip("::ffff:127.0.0.1"), &HeaderMap::new(), &[]).is_local_machine());
        assert!(!resolve(ip("192.0.2.1"), &HeaderMap::new(), &[]).is_local_machine());
        assert_eq!(resolve(None, &HeaderMap::new(), &[]).text(), "local");
    }

    #[test]
    fn bad_lists_say_what_to_write() {
        assert_eq!(parse_trusted(" ").unwrap(), vec![]);
        let e = parse_trusted("127.0.0.1, proxy.example").unwrap_err();
        assert!(e.to_string().contains("\"proxy.example\""), "{e}");
        assert_eq!(
            parse_trusted("10.0.0.0/8,::1").unwrap().len(),
            2,
            "networks and single addresses"
        );
    }
}

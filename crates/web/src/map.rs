//! The map's static files and its tile source. Leaflet is compiled in from the version the
//! vendor lockfile names (`build.rs`); `/static/map.js` draws the day's routes with it from the
//! route lists' data attributes. The tile source is an installation setting (`map.tiles_url`
//! and `map.attribution`); the content security policy lets images come from its origin and
//! nowhere else. Without a tile source, or a build without Leaflet, pages show the server-drawn
//! SVG only.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

mod vendor {
    include!(concat!(env!("OUT_DIR"), "/vendor.rs"));
}

/// Whether this build carries Leaflet.
pub fn embedded() -> bool {
    vendor::LEAFLET_JS.is_some() && vendor::LEAFLET_CSS.is_some()
}

/// The tile source the script's map draws over, when there is one and the map library is here.
pub fn tiles(state: &AppState) -> Option<views::map::Tiles> {
    state.http.map_tiles.clone().filter(|_| embedded())
}

/// Why a tile URL template cannot be used, for the setting's error.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TilesUrlError {
    #[error("must start with https:// (or http:// for a tile server on this machine)")]
    Scheme,
    #[error("must hold {{z}}, {{x}} and {{y}}")]
    Placeholders,
    #[error("has no host")]
    Host,
}

/// The origin a tile URL template loads images from, as a content-security-policy source
/// (`https://*.tile.example.org` for a `{s}` subdomain template).
pub fn tile_source(url: &str) -> Result<String, TilesUrlError> {
    let rest = url
        .strip_prefix("https://")
        .map(|r| ("https://", r))
        .or_else(|| url.strip_prefix("http://").map(|r| ("http://", r)));
    let Some((scheme, rest)) = rest else {
        return Err(TilesUrlError::Scheme);
    };
    if !["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p)) {
        return Err(TilesUrlError::Placeholders);
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '{' | '}'))
    {
        return Err(TilesUrlError::Host);
    }
    Ok(format!("{scheme}{}", host.replace("{s}", "*")))
}

/// The content security policy, with the tile source's origin among the image sources.
pub fn content_security_policy(tiles: Option<&views::map::Tiles>) -> String {
    let img = match tiles.and_then(|t| tile_source(&t.url).ok()) {
        Some(origin) => format!("img-src 'self' data: {origin}"),
        None => "img-src 'self' data:".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; {img}; connect-src 'self'; \
         frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    )
}

fn asset(content_type: &'static str, body: Option<&'static str>) -> Response {
    match body {
        Some(body) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn leaflet_js() -> Response {
    asset("text/javascript; charset=utf-8", vendor::LEAFLET_JS)
}

pub async fn leaflet_css() -> Response {
    asset("text/css; charset=utf-8", vendor::LEAFLET_CSS)
}

pub async fn map_js() -> Response {
    crate::pages::script(include_str!("../../views/static/map.js"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_sources_are_origins_and_bad_templates_are_refused() {
        assert_eq!(
            tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Ok("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png").as_deref(),
            Ok("https://*.tile.example.org")
        );
        assert_eq!(
            tile_source("http://127.0.0.1:8081/{z}/{x}/{y}.png").as_deref(),
            Ok("http://127.0.0.1:8081")
        );
        assert_eq!(
            tile_source("ftp://x/{z}/{x}/{y}"),
            Err(TilesUrlError::Scheme)
        );
        assert_eq!(
            tile_source("https://x.org/{z}/{x}.png"),
            Err(TilesUrlError::Placeholders)
        );
        assert_eq!(
            tile_source("https://a b/{z}/{x}/{y}"),
            Err(TilesUrlError::Host)
        );
        assert_eq!(
            tile_source("https:///{z}/{x}/{y}"),
            Err(TilesUrlError::Host)
        );
        let t = views::map::Tiles {
            url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            attribution: String::new(),
        };
        assert!(
            content_security_policy(Some(&t))
                .contains("img-src 'self' data: https://tile.openstreetmap.org;")
        );
        assert!(content_security_policy(None).contains("img-src 'self' data:;"));
    }

    #[test]
    fn ci_builds_carry_leaflet() {
        if test_support::in_ci() {
            assert!(embedded(), "CI builds embed Leaflet (crates/web/build.rs)");
        }
    }
}

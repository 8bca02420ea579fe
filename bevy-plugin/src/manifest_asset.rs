//! `pixels.manifest.json` as a Bevy asset, so the asset server watches and reloads it like any
//! other file. Parsing and validation belong to the `dgx-pixels-manifest` crate.

use bevy::asset::io::Reader;
use bevy::asset::{Asset, AssetLoader, LoadContext};
use bevy::reflect::TypePath;
use dgx_pixels_manifest::{Manifest, ParseError};

/// The manifest as loaded by [`ManifestLoader`]. Only a manifest that passed validation becomes
/// an asset; a broken file fails to load and the last good one stays in use.
#[derive(Asset, TypePath, Debug, Clone)]
pub struct PixelManifest(pub Manifest);

/// Loads `*.manifest.json` files into [`PixelManifest`]s.
#[derive(TypePath, Debug, Clone, Copy, Default)]
pub struct ManifestLoader;

/// Why a manifest file did not load.
#[derive(Debug, thiserror::Error)]
pub enum ManifestLoadError {
    #[error("cannot read the manifest: {0}")]
    Read(#[from] std::io::Error),
    #[error(
        "the manifest is not valid, so the sprites from the last valid one stay on screen; \
         redeploy or fix it by hand: {0}"
    )]
    Invalid(#[from] ParseError),
}

impl AssetLoader for ManifestLoader {
    type Asset = PixelManifest;
    type Settings = ();
    type Error = ManifestLoadError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        _load_context: &mut LoadContext<'_>,
    ) -> Result<PixelManifest, ManifestLoadError> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        Ok(PixelManifest(Manifest::from_json(&bytes)?))
    }

    fn extensions(&self) -> &[&str] {
        &["manifest.json"]
    }
}

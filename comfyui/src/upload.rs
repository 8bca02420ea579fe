//! Images into ComfyUI's input folder (`POST /upload/image`), where a `LoadImage` node finds them: the
//! first frame of an animation, which every other frame is redrawn from.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use crate::error::{ComfyError, describe};
use crate::server::Server;

/// A PNG to put into ComfyUI's input folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// The name to store it under. ComfyUI keeps an existing file of that name: the same bytes are
    /// reused as they are, different bytes are stored as `name (1).png` (unless `overwrite`).
    pub filename: String,
    /// A folder inside the input folder, `""` for none.
    pub subfolder: String,
    pub png: Arc<[u8]>,
    /// Replace a file of the same name instead of storing the upload beside it.
    pub overwrite: bool,
}

/// Where ComfyUI stored an upload (its answer to `POST /upload/image`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Uploaded {
    /// The stored file's name: the one asked for, or `name (n).ext` when that was taken.
    pub name: String,
    pub subfolder: String,
    /// `input` (where `LoadImage` reads), `temp` or `output`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl Uploaded {
    /// The name a `LoadImage` node takes: `subfolder/name`, or `name` at the top of the input folder.
    pub fn path(&self) -> String {
        if self.subfolder.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.subfolder.trim_matches('/'), self.name)
        }
    }
}

impl Server {
    /// Stores `upload` in this server's input folder. Only the server that runs a job can load its
    /// image: see [`crate::JobSpec::init_image`] for uploads that follow the job to its server.
    pub async fn upload_image(&self, upload: &Upload) -> Result<Uploaded, ComfyError> {
        let image = reqwest::multipart::Part::bytes(upload.png.to_vec())
            .file_name(upload.filename.clone())
            .mime_str("image/png")
            .expect("image/png is a valid MIME type");
        let mut form = reqwest::multipart::Form::new()
            .part("image", image)
            .text("type", "input")
            .text("overwrite", if upload.overwrite { "true" } else { "false" });
        if !upload.subfolder.is_empty() {
            form = form.text("subfolder", upload.subfolder.clone());
        }
        let request = self.http().post(self.endpoint("/upload/image"));
        let response = self.send(request.multipart(form)).await?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| self.unreachable(describe(&e)))?;
        if !status.is_success() {
            return Err(ComfyError::UploadRefused {
                url: self.url().to_owned(),
                filename: upload.filename.clone(),
                status: status.as_u16(),
            });
        }
        serde_json::from_str(&text).map_err(|e| ComfyError::Protocol {
            url: self.url().to_owned(),
            what: "POST /upload/image".to_owned(),
            detail: e.to_string(),
        })
    }
}

/// What one run already uploaded where, so a batch sends its init image once per server.
#[derive(Debug, Default)]
pub(crate) struct Uploads {
    /// `(server url, file name)` → the name `LoadImage` takes there.
    stored: Mutex<HashMap<(String, String), String>>,
}

impl Uploads {
    /// The name of `upload` on `server`, uploading it there first if this run has not yet.
    pub(crate) async fn on(&self, server: &Server, upload: &Upload) -> Result<String, ComfyError> {
        let key = (server.url().to_owned(), upload.filename.clone());
        if let Some(name) = self.stored.lock().expect("uploads lock").get(&key) {
            return Ok(name.clone());
        }
        let name = server.upload_image(upload).await?.path();
        self.stored
            .lock()
            .expect("uploads lock")
            .insert(key, name.clone());
        Ok(name)
    }
}

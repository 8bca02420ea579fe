//! Helpers shared by the client and pool tests, so each test reads as a story.

#![allow(dead_code)] // Each test file uses its own subset.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dgx_pixels_comfyui::{
    CancellationToken, InitUpload, JobProgress, JobSpec, Upload, WorkflowParams, Workflows,
};
use image::RgbaImage;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// The image the recorded server returned for an SDXL job: what the stand-in serves.
pub fn recorded_sdxl_image() -> RgbaImage {
    let png = include_bytes!("../../recordings/sdxl_b1_warm/view_rec_sdxl_00004_.png");
    image::load_from_memory(png).unwrap().to_rgba8()
}

/// The built-in sprite workflow on the stand-in's SDXL checkpoint, three steps.
pub fn sprite(prompt: &str) -> JobSpec {
    let workflow = Workflows::builtin().get("sprite").unwrap().clone();
    let params = WorkflowParams {
        prompt: prompt.into(),
        seed: 7,
        steps: Some(3),
        checkpoint: Some("random_sdxl.safetensors".into()),
        ..Default::default()
    };
    JobSpec::new(workflow, params)
}

/// The PNG the recorded client uploaded (`recordings/upload/`): the model-free graph's 96x48 output.
pub const UPLOADED_PNG: &[u8] =
    include_bytes!("../../recordings/model_free/view_3_rec_modelfree_00001_.png");

/// A frame of an animation: the built-in img2img workflow, starting from `png` uploaded as
/// `dgx-pixels/init.png`, at denoise 0.4.
pub fn frame_from(png: &[u8], prompt: &str) -> JobSpec {
    let mut job = sprite(prompt);
    job.workflow = Workflows::builtin().get("animation").unwrap().clone();
    job.init_image = Some(InitUpload {
        image: Upload {
            filename: "init.png".into(),
            subfolder: "dgx-pixels".into(),
            png: png.into(),
            overwrite: false,
        },
        denoise: 0.4,
    });
    job
}

/// Records every progress event and forwards it, so a test can wait for one.
#[derive(Clone, Default)]
pub struct Progress {
    pub seen: Arc<Mutex<Vec<JobProgress>>>,
}

impl Progress {
    /// A callback for `run`, and a receiver of the same events.
    pub fn callback(
        &self,
    ) -> (
        impl Fn(JobProgress) + Send + Sync + 'static,
        mpsc::UnboundedReceiver<JobProgress>,
    ) {
        let (tx, rx) = mpsc::unbounded_channel();
        let seen = self.seen.clone();
        let callback = move |progress: JobProgress| {
            seen.lock().unwrap().push(progress.clone());
            let _ = tx.send(progress);
        };
        (callback, rx)
    }

    pub fn events(&self) -> Vec<JobProgress> {
        self.seen.lock().unwrap().clone()
    }
}

/// Waits for the first event matching `wanted`.
pub async fn until(
    events: &mut mpsc::UnboundedReceiver<JobProgress>,
    wanted: impl Fn(&JobProgress) -> bool,
) -> JobProgress {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .expect("progress in time")
            .expect("job alive");
        if wanted(&event) {
            return event;
        }
    }
}

pub fn is_started(progress: &JobProgress) -> bool {
    matches!(progress, JobProgress::Started)
}

pub fn is_queued(progress: &JobProgress) -> bool {
    matches!(progress, JobProgress::Queued { .. })
}

/// `GET` a JSON route of a server.
pub async fn get_json(url: &str, path: &str) -> serde_json::Value {
    reqwest::get(format!("{url}{path}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Polls a server-side condition that has no event of its own (test-only; the client never polls).
pub async fn eventually(what: &str, condition: impl AsyncFn() -> bool) {
    for _ in 0..500 {
        if condition().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 5 s");
}

/// A TCP relay in front of a server: the network between a client and a ComfyUI that keeps
/// running, which a test can cut (every connection dropped, new ones refused) and restore, as a
/// Wi-Fi drop or an SSH tunnel restart does.
pub struct Relay {
    /// `http://127.0.0.1:PORT`, to give the client instead of the server's URL.
    pub url: String,
    addr: SocketAddr,
    target: SocketAddr,
    open: Mutex<CancellationToken>,
}

impl Relay {
    pub async fn start(server_url: &str) -> Self {
        let target = server_url.trim_start_matches("http://").parse().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let open = CancellationToken::new();
        tokio::spawn(relay(listener, target, open.clone()));
        Self {
            url: format!("http://{addr}"),
            addr,
            target,
            open: Mutex::new(open),
        }
    }

    /// Drops every relayed connection and refuses new ones until [`Relay::restore`].
    pub fn cut(&self) {
        self.open.lock().unwrap().cancel();
    }

    /// Accepts connections again, on the same port.
    pub async fn restore(&self) {
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        };
        let open = CancellationToken::new();
        *self.open.lock().unwrap() = open.clone();
        tokio::spawn(relay(listener, self.target, open));
    }
}

async fn relay(listener: TcpListener, target: SocketAddr, open: CancellationToken) {
    loop {
        let accepted = tokio::select! {
            () = open.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((mut client, _)) = accepted else {
            continue;
        };
        let open = open.clone();
        tokio::spawn(async move {
            let Ok(mut server) = TcpStream::connect(target).await else {
                return;
            };
            tokio::select! {
                () = open.cancelled() => {}
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
            }
        });
    }
}

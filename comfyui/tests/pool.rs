//! Several servers: dispatch to the least loaded, skip the dead, and keep queues fed in a batch.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{Progress, UPLOADED_PNG, frame_from, is_queued, sprite, until};
use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use dgx_pixels_comfyui::{CancellationToken, JobProgress, Pool};

fn server_of(progress: &JobProgress) -> String {
    match progress {
        JobProgress::Queued { server, .. } => server.clone(),
        other => panic!("not a Queued event: {other:?}"),
    }
}

#[tokio::test]
async fn a_job_goes_to_the_less_loaded_server() {
    let slow = Behaviour {
        step_delay: Duration::from_secs(30),
        ..Default::default()
    };
    let (a, b) = (
        TestServer::start_with(slow.clone()).await,
        TestServer::start_with(slow).await,
    );
    let pool = Pool::new(vec![a.url.clone(), b.url.clone()]);
    assert!(pool.connect().await.iter().all(Result::is_ok));
    let cancel = CancellationToken::new();
    let mut jobs = Vec::new();
    let mut servers = Vec::new();
    for prompt in ["first", "second"] {
        let (callback, mut events) = Progress::default().callback();
        let (pool, cancel) = (pool.clone(), cancel.clone());
        jobs.push(tokio::spawn(async move {
            pool.run(sprite(prompt), callback, cancel).await
        }));
        servers.push(server_of(&until(&mut events, is_queued).await));
    }
    assert_eq!(servers, [a.url.clone(), b.url.clone()]);
    cancel.cancel();
    for job in jobs {
        job.await.unwrap().unwrap_err();
    }
}

#[tokio::test]
async fn a_dead_server_is_skipped() {
    let alive = TestServer::start().await;
    for urls in [
        vec!["http://127.0.0.1:1".to_owned(), alive.url.clone()],
        vec![alive.url.clone(), "http://127.0.0.1:1".to_owned()],
    ] {
        let pool = Pool::new(urls);
        for _ in 0..2 {
            let output = pool
                .run(sprite("a knight"), |_| {}, CancellationToken::new())
                .await
                .unwrap();
            assert_eq!(output.server, alive.url);
        }
        let status = pool.status().await;
        assert_eq!(status.iter().filter(|s| s.stats.is_err()).count(), 1);
    }
}

/// A server that dies after the pool connected to it: the next jobs and batches go to the
/// others at once.
#[tokio::test]
async fn a_pool_keeps_serving_from_the_others_when_one_server_dies() {
    let (dead, alive) = (TestServer::start().await, TestServer::start().await);
    let pool = Pool::new(vec![dead.url.clone(), alive.url.clone()]);
    assert!(pool.connect().await.iter().all(Result::is_ok));
    dead.kill();
    let started = Instant::now();
    for i in 0..3 {
        let output = pool
            .run(
                sprite(&format!("item {i}")),
                |_| {},
                CancellationToken::new(),
            )
            .await
            .unwrap();
        assert_eq!(output.server, alive.url);
    }
    let jobs = (0..3).map(|i| sprite(&format!("batch {i}"))).collect();
    for result in pool
        .run_batch(jobs, |_, _| {}, CancellationToken::new())
        .await
    {
        assert_eq!(result.unwrap().server, alive.url);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// Every job of a batch is queued before the first one ends, so the server never waits for the client.
#[tokio::test]
async fn a_batch_is_submitted_up_front_and_comes_back_in_order() {
    let server = TestServer::start_with(Behaviour {
        step_delay: Duration::from_millis(20),
        ..Default::default()
    })
    .await;
    let pool = Pool::new(vec![server.url.clone()]);
    let jobs = (0..6).map(|i| sprite(&format!("item {i}"))).collect();
    let results = pool
        .run_batch(jobs, |_, _| {}, CancellationToken::new())
        .await;
    let ids: Vec<String> = results.into_iter().map(|r| r.unwrap().prompt_id).collect();
    let executions = server.executions();
    assert_eq!(
        executions
            .iter()
            .map(|e| e.prompt_id.clone())
            .collect::<Vec<_>>(),
        ids
    );
    assert!(
        server.idle_between(&ids).iter().all(Duration::is_zero),
        "the queue ran dry: {executions:?}"
    );
}

#[tokio::test]
async fn a_batch_spreads_over_the_pool_and_reports_failures_per_item() {
    let behaviour = Behaviour {
        step_delay: Duration::from_millis(20),
        ..Default::default()
    };
    let (a, b) = (
        TestServer::start_with(behaviour.clone()).await,
        TestServer::start_with(behaviour).await,
    );
    let pool = Pool::new(vec![a.url.clone(), b.url.clone()]);
    let mut jobs: Vec<_> = (0..4).map(|i| sprite(&format!("item {i}"))).collect();
    jobs[2].params.checkpoint = Some("missing.safetensors".into());
    let results = pool
        .run_batch(jobs, |_, _| {}, CancellationToken::new())
        .await;
    assert!(results[2].is_err());
    let used: BTreeSet<String> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|o| o.server.clone())
        .collect();
    assert_eq!(used, BTreeSet::from([a.url.clone(), b.url.clone()]));
}

#[tokio::test]
async fn an_init_image_goes_to_each_server_that_runs_one_of_its_frames() {
    let slow = Behaviour {
        step_delay: Duration::from_millis(50),
        ..Default::default()
    };
    let (a, b) = (
        TestServer::start_with(slow.clone()).await,
        TestServer::start_with(slow).await,
    );
    let pool = Pool::new(vec![a.url.clone(), b.url.clone()]);
    assert!(pool.connect().await.iter().all(Result::is_ok));
    let frames = (0..4)
        .map(|i| frame_from(UPLOADED_PNG, &format!("frame {i}")))
        .collect();
    let results = pool
        .run_batch(frames, |_, _| {}, CancellationToken::new())
        .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    for server in [&a, &b] {
        let prompts = server.prompts();
        assert_eq!(prompts.len(), 2, "{}: the frames alternate", server.url);
        for prompt in prompts {
            let image = prompt["10"]["inputs"]["image"].as_str().unwrap();
            assert_eq!(server.input_file(image).as_deref(), Some(UPLOADED_PNG));
        }
    }
}

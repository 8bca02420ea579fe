//! `/metrics`: the Prometheus series move with the work the server does.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn metrics_move_after_a_generation_and_a_deploy() {
    let project = GameProject::new();
    let (server, client) = project.server().await;
    let http = reqwest::Client::new();
    let metrics = async || {
        http.get(format!("{}/metrics", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let value = |text: &str, series: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(series))
            .and_then(|l| l.rsplit(' ').next())
            .map_or(0.0, |v| v.parse().unwrap())
    };
    let before = metrics().await;
    let id = sprite_id(&client, "tree", 5).await;
    call(
        &client,
        "deploy_to_bevy",
        json!({"sprite": id, "name": "tree"}),
    )
    .await;
    let after = metrics().await;
    let jobs = r#"dgx_pixels_jobs_total{backend="embedded",outcome="ok"}"#;
    assert_eq!(value(&after, jobs), value(&before, jobs) + 1.0, "{after}");
    let deploys = r#"dgx_pixels_deploys_total{outcome="deployed"}"#;
    assert_eq!(
        value(&after, deploys),
        value(&before, deploys) + 1.0,
        "{after}"
    );
    assert!(
        value(
            &after,
            r#"dgx_pixels_sessions{transport="streamable_http"}"#
        ) >= 1.0,
        "{after}"
    );
    assert!(
        after.contains("dgx_pixels_generation_seconds_count"),
        "{after}"
    );
    assert!(
        after.contains("dgx_pixels_pixel_pipeline_seconds_count"),
        "{after}"
    );
    client.cancel().await.unwrap();
}

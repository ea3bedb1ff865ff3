//! The sender's calls to Telegram: built with teloxide's typed requests, posted with the
//! bot's own HTTP client and token, and read here whatever the HTTP status.
//!
//! Why not `request.await`: teloxide-core 0.13 (`net/request.rs`, `DELAY_ON_SERVER_ERROR`)
//! sleeps 10 s after any 5xx answer before it returns the error. A failing chat then held
//! a sending slot for 10 s, its retries came about 11 s and 23 s after the first try
//! instead of the documented 1 s and 2 s, and during a spell of 5xx the outbox sent about
//! 3 messages a second (32 slots / 10 s). Here a 5xx is an error at once, and the backoff
//! in `outcome` decides when to try again.

use std::sync::Arc;

use reqwest::multipart::{Form, Part};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use teloxide::requests::Payload;
use teloxide::types::ResponseParameters;
use teloxide::{ApiError, Bot, RequestError};

use crate::outbox::FileSource;

/// Calls the method of `payload` with a JSON body.
pub(super) async fn call<P>(bot: &Bot, payload: &P) -> Result<P::Output, RequestError>
where
    P: Payload + Serialize,
    P::Output: DeserializeOwned,
{
    let response = bot.client().post(method_url(bot, P::NAME)).json(payload).send().await?;
    read(&response.text().await?)
}

/// Calls the method of `payload`, whose `field` is `file`: a file Telegram already has
/// goes by id in JSON; an upload or a file on disk goes as multipart, as the `field` part.
pub(super) async fn send_file<P>(
    bot: &Bot,
    payload: &P,
    field: &str,
    file: &FileSource,
) -> Result<P::Output, RequestError>
where
    P: Payload + Serialize,
    P::Output: DeserializeOwned,
{
    let (name, part) = match file {
        FileSource::FileId(_) => return call(bot, payload).await,
        FileSource::Upload { name, bytes } => (name, Part::bytes(bytes.clone())),
        // Streamed from disk with its length known (no chunked encoding), so memory stays
        // the size of a read buffer whatever the file's size.
        FileSource::Path { name, path } => {
            let file = tokio::fs::File::open(path).await.map_err(|e| RequestError::Io(Arc::new(e)))?;
            let len = file.metadata().await.map_err(|e| RequestError::Io(Arc::new(e)))?.len();
            (name, Part::stream_with_length(reqwest::Body::from(file), len))
        }
    };
    let mut form = Form::new();
    // Telegram reads the other parameters of a multipart request as text, objects (a
    // keyboard) as JSON text.
    if let serde_json::Value::Object(params) =
        serde_json::to_value(payload).map_err(|e| RequestError::Io(Arc::new(e.into())))?
    {
        for (key, value) in params.into_iter().filter(|(key, _)| key != field) {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::String(text) => form = form.text(key, text),
                other => form = form.text(key, other.to_string()),
            }
        }
    }
    form = form.part(field.to_owned(), part.file_name(name.clone()));
    let response = bot.client().post(method_url(bot, P::NAME)).multipart(form).send().await?;
    read(&response.text().await?)
}

/// `<api url>/bot<token>/<method>`, as teloxide builds it.
fn method_url(bot: &Bot, method: &str) -> reqwest::Url {
    let mut url = bot.api_url();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.push(&format!("bot{}", bot.token())).push(method);
    }
    url
}

/// Telegram's answer, `{"ok":true,"result":…}` or `{"ok":false,"description":…,
/// "parameters":…}`, as teloxide would return it; anything else (an HTML error page from
/// a proxy) is `InvalidJson`.
fn read<T: DeserializeOwned>(text: &str) -> Result<T, RequestError> {
    #[derive(Deserialize)]
    struct Answer<T> {
        ok: bool,
        result: Option<T>,
        description: Option<ApiError>,
        parameters: Option<ResponseParameters>,
    }
    let invalid = |e: serde_json::Error| RequestError::InvalidJson { source: Arc::new(e), raw: text.into() };
    let answer: Answer<T> = serde_json::from_str(text).map_err(invalid)?;
    match answer {
        Answer { ok: true, result: Some(result), .. } => Ok(result),
        Answer { ok: true, result: None, .. } => Err(invalid(serde::de::Error::missing_field("result"))),
        Answer { parameters: Some(ResponseParameters::RetryAfter(wait)), .. } => Err(RequestError::RetryAfter(wait)),
        Answer { parameters: Some(ResponseParameters::MigrateToChatId(chat)), .. } => {
            Err(RequestError::MigrateToChatId(chat))
        }
        Answer { description, .. } => Err(RequestError::Api(description.unwrap_or(ApiError::Unknown(String::new())))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::types::{Seconds, True};

    #[test]
    fn answers_read_as_teloxide_reads_them() {
        assert!(matches!(read::<True>(r#"{"ok":true,"result":true}"#), Ok(True)));
        let blocked =
            read::<True>(r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#);
        assert!(matches!(blocked, Err(RequestError::Api(ApiError::BotBlocked))), "{blocked:?}");
        let slow_down = read::<True>(
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":3}}"#,
        );
        assert!(
            matches!(slow_down, Err(RequestError::RetryAfter(s)) if s == Seconds::from_seconds(3)),
            "{slow_down:?}"
        );
        let server = read::<True>(r#"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#);
        assert!(matches!(server, Err(RequestError::Api(ApiError::Unknown(ref d))) if d == "Internal Server Error"));
        let proxy = read::<True>("<html>502 Bad Gateway</html>");
        assert!(matches!(proxy, Err(RequestError::InvalidJson { .. })));
    }

    #[test]
    fn method_urls_are_teloxides() {
        for (api, url) in [
            ("https://api.telegram.org", "https://api.telegram.org/bot1:x/SendMessage"),
            ("http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot1:x/SendMessage"),
        ] {
            let bot = Bot::new("1:x").set_api_url(reqwest::Url::parse(api).unwrap());
            assert_eq!(method_url(&bot, "SendMessage").as_str(), url);
        }
    }
}

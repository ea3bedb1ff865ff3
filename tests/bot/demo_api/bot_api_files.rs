//! Files the bot uploads (multipart) reach the page at `/files/<id>` byte for byte, named
//! as the bot named them, and can be sent again by their file id.

use serde_json::json;
use teloxide::prelude::*;
use teloxide::types::{FileId, InputFile};
use teloxide::{ApiError, RequestError};

use super::*;

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// GET `url` on the demo: status, content type, content disposition, body.
async fn download(page: &Page, url: &str) -> (u16, String, String, Vec<u8>) {
    let response = page.client.get(format!("{}{}", page.base, url.trim_start_matches('/'))).send().await.unwrap();
    let header = |name| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    (response.status().as_u16(), content_type, disposition, response.bytes().await.unwrap().to_vec())
}

/// The file name in an RFC 5987 `filename*=UTF-8''…` parameter, percent-decoded.
fn rfc5987_name(disposition: &str) -> String {
    let encoded = disposition.split("filename*=UTF-8''").nth(1).expect(disposition).split(';').next().unwrap();
    let bytes = encoded.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn a_document_with_a_chinese_name_downloads_as_sent() {
    let running = empty_demo().await;
    let (bot, page) = (bot(&running), Page::new(&running));
    let csv = "楼栋,单元,人数\n3号楼,2单元301,3\n".as_bytes().to_vec();
    let name = "帝湖社区 拣货单 (3号楼).csv";
    let sent = bot
        .send_document(ChatId(LIU_MIN), InputFile::memory(csv.clone()).file_name(name))
        .caption("今天的拣货单")
        .await
        .unwrap();
    let document = sent.document().unwrap();
    assert_eq!((document.file_name.as_deref(), sent.caption()), (Some(name), Some("今天的拣货单")));

    let shown = page.messages(LIU_MIN).await.pop().unwrap();
    assert_eq!((&shown["text"], &shown["document"]["file_name"]), (&json!("今天的拣货单"), &json!(name)));
    assert_eq!(shown["photo"], json!(null));
    let (status, content_type, disposition, bytes) = download(&page, shown["document"]["url"].as_str().unwrap()).await;
    assert_eq!((status, bytes), (200, csv));
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.is_ascii(), "a header value is ASCII: {disposition}");
    assert_eq!(rfc5987_name(&disposition), name, "{disposition}");

    // Sent again by its id: the same file, no upload.
    let again = bot.send_document(ChatId(WANG_FANG), InputFile::file_id(document.file.id.clone())).await.unwrap();
    assert_eq!(again.document().unwrap().file.id, document.file.id);
    let shown_again = page.messages(WANG_FANG).await.pop().unwrap();
    assert_eq!(shown_again["document"], shown["document"]);
    let unknown = bot.send_document(ChatId(WANG_FANG), InputFile::file_id(FileId("nope".into()))).await.unwrap_err();
    assert!(matches!(unknown, RequestError::Api(ApiError::WrongFileIdOrUrl)), "{unknown:?}");
    let (status, ..) = download(&page, "/files/nope").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_photo_downloads_as_a_png() {
    let running = empty_demo().await;
    let (bot, page) = (bot(&running), Page::new(&running));
    let sent = bot
        .send_photo(ChatId(GROUP), InputFile::memory(PNG.to_vec()).file_name("排班表.png"))
        .caption("<b>本周排班</b>")
        .parse_mode(teloxide::types::ParseMode::Html)
        .await
        .unwrap();
    assert!(!sent.photo().unwrap().is_empty());
    let shown = page.messages(GROUP).await.pop().unwrap();
    assert_eq!(
        (&shown["text"], &shown["html"], &shown["document"]),
        (&json!("<b>本周排班</b>"), &json!(true), &json!(null))
    );
    let (status, content_type, disposition, bytes) = download(&page, shown["photo"]["url"].as_str().unwrap()).await;
    assert_eq!((status, content_type.as_str(), bytes.as_slice()), (200, "image/png", PNG));
    assert_eq!(rfc5987_name(&disposition), "排班表.png");
}

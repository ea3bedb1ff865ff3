//! The slips as files: a CSV for Excel (UTF-8 with a byte-order mark, as the orders' pick
//! list, or Windows Excel shows Chinese as mojibake) and a printable HTML page. The HTML is
//! self-contained (no fonts, scripts or pictures to fetch), every building starts a new
//! page when printed and every household is a box with a dashed border to cut along.
//! Every value in it is escaped: names, addresses and titles are typed by people.

use rust_i18n::t;

use crate::groupbuy::lead::slips::{phone_text, supplier_text, Sheet};
use crate::i18n::Lang;
use crate::orders::model::yuan;
use crate::Result;

/// One row per household in slip order: number, building, unit and room, name, phone,
/// then the quantity of each item (a column per item), then the amount.
pub fn csv(lang: Lang, sheet: &Sheet, with_phones: bool) -> Result<Vec<u8>> {
    let l = lang.code();
    let mut header: Vec<String> = [
        "groupbuy_lead.csv.number",
        "groupbuy_lead.csv.building",
        "groupbuy_lead.csv.unit_room",
        "groupbuy_lead.csv.name",
        "groupbuy_lead.csv.phone",
    ]
    .into_iter()
    .map(|key| t!(key, locale = l).into_owned())
    .collect();
    header.extend(sheet.items.iter().map(|item| format!("{}（{}）", item.name, item.unit)));
    header.push(t!("groupbuy_lead.csv.amount", locale = l).into_owned());
    let rows = sheet.households.iter().enumerate().map(|(n, slip)| {
        let mut row = vec![
            (n + 1).to_string(),
            slip.building.clone(),
            slip.unit_room.clone(),
            slip.name.clone(),
            phone_text(lang, slip, with_phones),
        ];
        row.extend(
            sheet
                .items
                .iter()
                .map(|item| slip.lines.iter().find(|(id, _)| *id == item.id).map_or(0, |(_, q)| *q).to_string()),
        );
        row.push(yuan_plain(sheet.amount(slip)));
        row
    });
    crate::export::csv(header, rows)
}

/// An amount for a spreadsheet: "116.00", a number Excel can add up.
fn yuan_plain(fen: i64) -> String {
    yuan(fen).replace('¥', "")
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;margin:12mm;color:#000}
h1{font-size:16pt;margin:0 0 4mm}
h2{font-size:14pt;margin:0 0 4mm}
pre.supplier{font-family:inherit;font-size:12pt;white-space:pre-wrap}
section.building{break-before:page;page-break-before:always}
.slip{border:2px dashed #000;padding:3mm 4mm;margin:0 0 5mm;break-inside:avoid;page-break-inside:avoid}
.address{font-size:16pt;font-weight:bold}
.slip ul{margin:2mm 0;padding-left:6mm;font-size:13pt}
.who{color:#333}
@media print{body{margin:8mm}}";

/// The printable page: the supplier order, then a page per building with a box per
/// household.
pub fn html(lang: Lang, sheet: &Sheet, with_phones: bool) -> String {
    let l = lang.code();
    let title = t!("groupbuy_lead.html.title", locale = l, id = sheet.id, title = sheet.title.as_str());
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n<pre class=\"supplier\">{}</pre>\n",
        escape(l),
        escape(&title),
        escape(&title),
        escape(&supplier_text(lang, sheet))
    );
    for building in sheet.buildings() {
        let Some(first) = building.first() else { continue };
        let heading = t!(
            "groupbuy_lead.slips.building",
            locale = l,
            building = first.building.as_str(),
            households = building.len()
        );
        page.push_str(&format!("<section class=\"building\">\n<h2>{}</h2>\n", escape(&heading)));
        for slip in building {
            page.push_str(&format!(
                "<div class=\"slip\">\n<div class=\"address\">{} {}</div>\n<ul>\n",
                escape(&slip.building),
                escape(&slip.unit_room)
            ));
            for item in &sheet.items {
                let Some((_, q)) = slip.lines.iter().find(|(id, _)| *id == item.id) else { continue };
                page.push_str(&format!("<li>{} × {q} {}</li>\n", escape(&item.name), escape(&item.unit)));
            }
            let amount = t!("groupbuy_lead.html.amount", locale = l, amount = yuan(sheet.amount(slip)));
            page.push_str(&format!(
                "</ul>\n<div>{}</div>\n<div class=\"who\">{} · {}</div>\n</div>\n",
                escape(&amount),
                escape(&slip.name),
                escape(&phone_text(lang, slip, with_phones))
            ));
        }
        page.push_str("</section>\n");
    }
    page.push_str("</body>\n</html>\n");
    page
}

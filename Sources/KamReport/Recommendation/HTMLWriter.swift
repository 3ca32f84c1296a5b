import KamExpr

/// The report as one self-contained HTML page: inline CSS and inline SVG charts, no
/// JavaScript, no fonts or images from the network; it reads on a phone (tables scroll
/// sideways inside their box) and prints with each section on a new page. Every text goes
/// through `HTML.escape`, so nothing from an input file becomes markup.
enum HTMLWriter {
    static func write(_ doc: ReportDocument) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="\(Messages.current.language)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(doc.title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <main>
            <h1>\(HTML.escape(doc.title))</h1>
            <nav aria-label="\(HTML.escape(Messages.current("html.sections")))"><ol>
            """
        out += "\n"
        for section in doc.sections { out += "<li><a href=\"#\(section.id)\">\(HTML.escape(section.title))</a></li>\n" }
        out += "</ol></nav>\n"
        for section in doc.sections {
            out += "<section id=\"\(section.id)\">\n<h2>\(HTML.escape(section.title))</h2>\n"
            for block in section.blocks { out += self.block(block) }
            out += "</section>\n"
        }
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    static func block(_ block: ReportDocument.Block) -> String {
        switch block {
        case .paragraph(let parts): return "<p>\(inline(parts))</p>\n"
        case .heading(let text): return "<h3>\(HTML.escape(text))</h3>\n"
        case .list(let items): return "<ul>\n" + items.map { "<li>\(inline($0))</li>\n" }.joined() + "</ul>\n"
        case .table(let t):
            var out = "<div class=\"table\"><table>\n<thead><tr>"
            for (h, a) in zip(t.header, t.align) { out += "<th\(a == .right ? " class=\"num\"" : "")>\(HTML.escape(h))</th>" }
            out += "</tr></thead>\n<tbody>\n"
            for row in t.rows {
                out += "<tr>"
                for (cell, a) in zip(row, t.align) { out += "<td\(a == .right ? " class=\"num\"" : "")>\(inline(cell))</td>" }
                out += "</tr>\n"
            }
            return out + "</tbody>\n</table></div>\n"
        case .chart(let chart): return "<figure>\n" + SVGCharts.render(chart) + "</figure>\n"
        }
    }

    static func inline(_ parts: [ReportDocument.Inline]) -> String {
        parts.map { part in
            switch part {
            case .text(let s): HTML.escape(s)
            case .strong(let s): "<strong>\(HTML.escape(s))</strong>"
            case .code(let s): "<code>\(HTML.escape(s))</code>"
            }
        }.joined()
    }

    static let style = """
        :root{--ink:#1d2733;--muted:#5b6775;--line:#d5dbe2;--accent:#1f6fb2;--warm:#c4622d;--bg:#fff}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif}
        main{max-width:64rem;margin:0 auto;padding:1rem}
        h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}
        h2{font-size:1.3rem;border-bottom:2px solid var(--accent);padding-bottom:.2rem;margin-top:2.5rem}
        h3{font-size:1.05rem;margin:1.5rem 0 .5rem}
        nav ol{columns:2;font-size:.95rem;padding-left:1.2rem}
        a{color:var(--accent)}
        .table{overflow-x:auto;margin:.75rem 0}
        table{border-collapse:collapse;width:100%;font-size:.9rem}
        th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#f3f6f9}
        .num{text-align:right;white-space:nowrap}
        td:last-child{min-width:14rem}
        code{font-size:.8rem;word-break:break-all}
        figure{margin:1rem 0}
        svg{max-width:100%;height:auto;font:12px system-ui,"Noto Sans","DejaVu Sans",Arial,sans-serif}
        @media (max-width:40rem){nav ol{columns:1}body{font-size:15px}}
        @media print{nav{display:none}section{break-before:page}section:first-of-type{break-before:auto}
        h2{break-after:avoid}tr,figure{break-inside:avoid}a{color:inherit;text-decoration:none}.table{overflow:visible}}
        """
}

/// Escaping for HTML text and attribute values.
enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

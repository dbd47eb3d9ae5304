#!/usr/bin/python3
"""Writes the reader corpora into OUTDIR, each case with what v_events must
hold for it (or the reject reason), written by hand, not by the program.

csv/NAME.csv + csv/expected.json; json/corpus.jsonl + json/expected.json;
json/order.jsonl + json/order.json (members in changing order)
"""
import json
import os
import sys

out = sys.argv[1]
os.makedirs(out + "/csv", exist_ok=True)
os.makedirs(out + "/json", exist_ok=True)
H = "time,app,unit,nik,doc_id,message,result\n"
R = "2025-03-01T10:00:00+07:00,srikandi,Biro Umum,3171010101900001"
cases = [
    ("bom_crlf", b"\xef\xbb\xbf" +
     (H + R + ",D1,halo,ok\n").replace("\n", "\r\n").encode(),
     [{"doc_id": "D1", "message": "halo", "line": 2}]),
    ("quoted_comma_quote_newline",
     (H + R + ',D2,"a, ""b""\nc",ok\n' + R + ",D3,x,ok\n").encode(),
     [{"doc_id": "D2", "message": 'a, "b"\nc', "line": 2},
      {"doc_id": "D3", "message": "x", "line": 4}]),
    ("empty_fields", (H + R + ",,,\n").encode(),
     [{"doc_id": "", "message": None, "result": "ok", "line": 2}]),
    ("trailing_delimiter", (H + R + ",D4,m,ok,\n").encode(),
     [{"doc_id": "D4", "line": 2}]),
    # A last line without its end may still be being written: it waits
    # for the next run, neither an event nor a reject.
    ("no_final_newline", (H + R + ",D5,m,fail").encode(), []),
    ("blank_lines", (H + "\n" + R + ",D6,m,ok\n\n\n" + R + ",D7,m,ok\n")
     .encode(), [{"doc_id": "D6", "line": 3}, {"doc_id": "D7", "line": 6}]),
    ("unicode", (H + R + ",D8,Tanda tangan \u2013 berhasil \u2713,ok\n")
     .encode(), [{"doc_id": "D8",
                  "message": "Tanda tangan \u2013 berhasil \u2713"}]),
    # Just under the default record limit of 1 MiB (max_record_bytes).
    ("big_field", (H + R + ",D9," + "x" * ((1 << 20) - 256) + ",ok\n")
     .encode(), [{"doc_id": "D9", "message_len": (1 << 20) - 256}]),
    ("too_few", (H + R + ",D10\n").encode(), "expected 7 fields, found 5"),
    ("too_many", (H + R + ",D11,m,ok,extra\n").encode(),
     "expected 7 fields, found 8"),
    ("nul_byte", (H + R + ",D12,a\x00b,ok\n").encode(), "NUL byte"),
    ("latin1", (H + R + ",D13,caf\xe9,ok\n").encode("latin-1"),
     "invalid UTF-8"),
    ("unterminated_quote",
     (H + R + ',D14,"never closed,ok\n' + R + ",D15,m,ok\n").encode(),
     "unterminated quoted field"),
    ("empty_file", b"", []),
    ("header_only", H.encode(), []),
    ("header_case_spaces", (" Time , APP,Unit,NIK,doc_id,message,result\n" +
                            R + ",D16,m,ok\n").encode(), [{"doc_id": "D16"}]),
]
corpus = {}
for name, data, want in cases:
    with open("%s/csv/%s.csv" % (out, name), "wb") as f:
        f.write(data)
    corpus[name] = want
with open(out + "/csv/expected.json", "w") as f:
    json.dump(corpus, f, ensure_ascii=False, indent=1)

EV = '"time":"2025-03-01T03:00:00Z","app":"a","unit":"u"'
ok = [
    '{%s,"nik":"3171010101900001","doc_id":"J1"}' % EV,
    '{%s,"nik":"3171010101900001","doc_id":"J2","http_status":200.0,'
    '"extra":{"deep":[1,2,{"x":null}]}}' % EV,
    '  {%s,"cert_serial":123456789012345678901234567890,"doc_id":"J3"}  '
    % EV,
    '{%s,"nik":"3171010101900001","doc_id":"J4","footer":true,'
    '"name":"\\u00e9\\ud83d\\ude00"}' % EV,
    '{%s,"nik":"3171010101900001","doc_id":"J5",'
    '"message":"tab\\tquote\\"slash\\/"}' % EV,
]
bad = [
    '[1,2,3]', '"just a string"', '42', 'null', 'true', '{', '{"a":}',
    "{'single':'quotes'}", '{"a":1,}', '{"a":"unterminated}',
    '{"a":1} trailing', '{"a":NaN}', '{"a":[1,2}',
    '{"time":"2025-03-01T03:00:00Z","app":"a","unit":{"nested":1},'
    '"nik":"3171010101900001"}',
    '\x01\x02binary', '{"a":-}', '{"a":"\\q"}', '{"a" 1}', '{,}',
]
with open(out + "/json/corpus.jsonl", "w") as f:
    for line in ok + bad:
        f.write(line + "\n")
with open(out + "/json/expected.json", "w") as f:
    json.dump({"accepted": len(ok), "rejected": len(bad),
               "serial": "123456789012345678901234567890",
               "name": "\u00e9\U0001F600"}, f)

# Objects whose members come in changing orders, with unmapped members in
# between, a repeated member (the first one counts) and long member names:
# what each event must hold, by doc_id, is written beside it.
base = [("time", "2025-03-01T03:00:00Z"), ("app", "a"), ("unit", "u"),
        ("nik", "3171010101900001"), ("name", "N"), ("message", "M")]
order_rows, order_expected = [], {}
for i in range(40):
    members = [(k, "%s%d" % (v, i) if k in ("name", "message") else v)
               for k, v in base]
    members = members[i % 6:] + members[:i % 6]     # rotate the order
    if i % 3 == 0:
        members.insert(i % 5, ("an_unmapped_member_with_a_long_name", "x"))
    if i % 4 == 0:
        members.insert(1, ("k%d" % i, "y"))
    members.append(("doc_id", "O%d" % i))
    if i % 5 == 0:
        members.append(("name", "second%d" % i))    # ignored: not first
    first = {}
    for k, v in members:
        first.setdefault(k, v)
    order_expected["O%d" % i] = [first["name"], first["message"]]
    order_rows.append("{" + ",".join('"%s":"%s"' % kv for kv in members) +
                      "}")
with open(out + "/json/order.jsonl", "w") as f:
    f.write("\n".join(order_rows) + "\n")
with open(out + "/json/order.json", "w") as f:
    json.dump(order_expected, f)

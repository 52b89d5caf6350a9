import "reflect-metadata";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AsnConvert } from "@peculiar/asn1-schema";
import { int, oid, printableString, seq, set, tlv } from "../../src/pki/der.js";
import { Name } from "@peculiar/asn1-x509";
import { InkanError } from "../../src/domain/errors.js";
import { commonName, encodeName, formatName, parseName, type DnAttr } from "../../src/pki/dn.js";

const TW_SUBJECT: DnAttr[] = [
  { type: "C", value: "TW" },
  { type: "O", value: "Finance" },
  { type: "OU", value: "TWCA Financial User CA" },
  { type: "OU", value: "0060000-Taiwan Cooperative Bank" },
  { type: "OU", value: "FXML" },
  { type: "CN", value: "12345678-00-20180608008" },
];

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InkanError);
    return e.code;
  }
  return "no error";
}

describe("encodeName", () => {
  test("C is a PrintableString, the others UTF8String, in the given order", () => {
    const der = encodeName(TW_SUBJECT);
    const name = AsnConvert.parse(der, Name);
    assert.equal(name.length, 6);
    assert.equal(name[0]![0]!.type, "2.5.4.6");
    assert.equal(name[0]![0]!.value.printableString, "TW");
    assert.equal(name[3]![0]!.value.utf8String, "0060000-Taiwan Cooperative Bank");
    assert.equal(name[5]![0]!.type, "2.5.4.3");
    assert.equal(name[5]![0]!.value.utf8String, "12345678-00-20180608008");
  });

  test("non-ASCII values (kanji, Chinese) are UTF-8", () => {
    const der = encodeName([{ type: "C", value: "JP" }, { type: "O", value: "目黒信用金庫" }, { type: "CN", value: "合作金庫 測試" }]);
    assert.equal(formatName(der), "C=JP, O=目黒信用金庫, CN=合作金庫 測試");
  });

  test("bad values are PKI_INPUT_INVALID naming the attribute", () => {
    assert.equal(code(() => encodeName([])), "PKI_INPUT_INVALID");
    assert.equal(code(() => encodeName([{ type: "C", value: "TWN" }])), "PKI_INPUT_INVALID");
    assert.equal(code(() => encodeName([{ type: "C", value: "日本" }])), "PKI_INPUT_INVALID");
    assert.equal(code(() => encodeName([{ type: "CN", value: "" }])), "PKI_INPUT_INVALID");
    assert.equal(code(() => encodeName([{ type: "CN", value: "x".repeat(65) }])), "PKI_INPUT_INVALID");
    assert.equal(code(() => encodeName([{ type: "CN", value: "\ud800" }])), "PKI_INPUT_INVALID");
    assert.equal(code(() => encodeName([{ type: "XX" as "CN", value: "a" }])), "PKI_INPUT_INVALID");
    assert.equal(code(() => encodeName([{ type: "constructor" as "CN", value: "a" }])), "PKI_INPUT_INVALID");
    try {
      encodeName([{ type: "OU", value: "y".repeat(65) }]);
    } catch (e) {
      assert.ok(e instanceof InkanError);
      assert.deepEqual(e.fields, ["subject.OU"]);
    }
  });

  test("64 characters of CJK are within the CN bound (characters, not bytes)", () => {
    assert.doesNotThrow(() => encodeName([{ type: "CN", value: "金".repeat(64) }]));
  });
});

describe("formatName", () => {
  test("prints the TW proof-sheet form, comma-space separated, certificate order", () => {
    assert.equal(
      formatName(encodeName(TW_SUBJECT)),
      "C=TW, O=Finance, OU=TWCA Financial User CA, OU=0060000-Taiwan Cooperative Bank, OU=FXML, CN=12345678-00-20180608008",
    );
  });

  test("escapes RFC 4514 specials", () => {
    const der = encodeName([{ type: "O", value: "TAIWAN-CA.COM, Inc." }, { type: "CN", value: "#a+b " }]);
    assert.equal(formatName(der), "O=TAIWAN-CA.COM\\, Inc., CN=\\#a\\+b\\ ");
  });

  test("reads other string types, multi-valued RDNs and unknown OIDs", () => {
    const bmp = Buffer.from("合庫", "utf16le").swap16();
    const der = seq(
      set(seq(oid("2.5.4.6"), printableString("TW")), seq(oid("2.5.4.10"), tlv(0x1e, bmp))),
      set(seq(oid("1.2.3.4"), int(5))),
      set(seq(oid("2.5.4.3"), tlv(0x14, Buffer.from("caf\xe9", "latin1")))),
    );
    assert.equal(formatName(der), "C=TW + O=合庫, 1.2.3.4=#020105, CN=café");
  });

  test("garbage is CERT_MALFORMED", () => {
    assert.equal(code(() => formatName(Buffer.from("3003020100", "hex"))), "CERT_MALFORMED");
    assert.equal(code(() => formatName(Buffer.from("30", "hex"))), "CERT_MALFORMED");
    assert.equal(code(() => parseName(Buffer.from("300531030c0141", "hex"))), "CERT_MALFORMED");
  });

  test("commonName returns the last CN", () => {
    assert.equal(commonName(encodeName(TW_SUBJECT)), "12345678-00-20180608008");
    assert.equal(commonName(encodeName([{ type: "C", value: "TW" }])), undefined);
  });
});

// Serial numbers as the certificate service lists them: it pads them with leading zeros ("06ea48…"), so two
// spellings of one serial are compared without them (Certimate's aliyun-cas certmgr and dnsmgr both strip them:
// a padded serial that did not match made them upload the same certificate again, dnsmgr #165, #178, #234).

/** A serial number as lower-case hex without leading zeros ("0" for zero). */
export function canonicalSerial(serial: string): string {
    return serial
        .trim()
        .toLowerCase()
        .replace(/^0+(?=.)/, "");
}

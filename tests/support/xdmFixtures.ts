/** IHE XDM packages as a portal's "download my record" gives them, made with yazl. */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { makePdf } from './fixtures';

const CCD = fileURLToPath(new URL('../fixtures/ccda/CCD.xml', import.meta.url));

/** XDS metadata for one document, as an IHE XDM package's METADATA.XML carries it. */
function extrinsicObject(id: string, uri: string, title: string, loinc: string, service: string, institution: string) {
  return `
    <rim:ExtrinsicObject id="${id}" mimeType="application/pdf" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">
      <rim:Slot name="creationTime"><rim:ValueList><rim:Value>20240301120000</rim:Value></rim:ValueList></rim:Slot>
      <rim:Slot name="serviceStartTime"><rim:ValueList><rim:Value>${service}</rim:Value></rim:ValueList></rim:Slot>
      <rim:Slot name="URI"><rim:ValueList><rim:Value>${uri}</rim:Value></rim:ValueList></rim:Slot>
      <rim:Name><rim:LocalizedString value="${title}"/></rim:Name>
      <rim:Classification classificationScheme="urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d" classifiedObject="${id}" nodeRepresentation="">
        <rim:Slot name="authorInstitution"><rim:ValueList><rim:Value>${institution}^^^^^^^^^1.2.3.4</rim:Value></rim:ValueList></rim:Slot>
      </rim:Classification>
      <rim:Classification classificationScheme="urn:uuid:f0306f51-975f-434e-a61c-c59651d33983" classifiedObject="${id}" nodeRepresentation="${loinc}"/>
    </rim:ExtrinsicObject>`;
}

/**
 * A package with an operative report PDF (filed by METADATA.XML alone) and HL7's CCD; with
 * `nestedIn`, that package zip inside a "download everything" zip.
 */
export async function writeXdmZip(path: string, options: { nestedIn?: string } = {}): Promise<void> {
  const metadata = `<?xml version="1.0" encoding="UTF-8"?>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">
  <rim:RegistryObjectList>
    ${extrinsicObject('Document01', 'DOC0001.PDF', 'Operative report, right knee arthroscopy', '11504-8', '20240215', 'Lakeside Surgical Center')}
  </rim:RegistryObjectList>
</lcm:SubmitObjectsRequest>`;
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('<html><body>Index of this package</body></html>'), 'INDEX.HTM');
  zip.addBuffer(Buffer.from('This media contains health records.'), 'README.TXT');
  zip.addBuffer(Buffer.from(metadata), 'IHE_XDM/SUBSET01/METADATA.XML');
  // A PDF that says nothing useful about itself: what it is comes from the metadata.
  zip.addBuffer(await makePdf(['Page 1 of 1', 'Marker: axolotl']), 'IHE_XDM/SUBSET01/DOC0001.PDF');
  zip.addBuffer(await readFile(CCD), 'IHE_XDM/SUBSET01/DOC0002.XML');
  zip.end();
  if (!options.nestedIn) return pipeline(zip.outputStream, createWriteStream(path));
  // A "download everything" zip with the package zip inside it.
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream) parts.push(part as Buffer);
  const outer = new yazl.ZipFile();
  outer.addBuffer(Buffer.concat(parts), options.nestedIn);
  outer.addBuffer(Buffer.from('Your records, as requested.'), 'cover letter.txt');
  outer.end();
  await pipeline(outer.outputStream, createWriteStream(path));
}

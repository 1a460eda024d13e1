import { systemClock, type Clock } from '../../core/shared/clock.js';
import {
  MOBILE_BARCODE_CARD_TYPE,
  MOF_ANSWER_CODES,
  fromMofRequestDate,
  periodOfIsoDate,
  toJavaDateObject,
  type MofAnswerCode,
} from '../../core/verification/verification.models.js';
import {
  parseSimDataset,
  simInvoiceSchema,
  type SimCarrier,
  type SimDataset,
  type SimDatasetInput,
  type SimInvoice,
  type SimInvoiceInput,
} from './mof-sim.dataset.js';
import { mulberry32 } from '../../core/shared/seeded-random.js';

/**
 * The simulated platform's memory and its answers. Everything is in memory (maps keyed by invoice
 * number and card number) so the batch-verification benchmark measures Proofline, not the simulator.
 */

export type SimKnobs = {
  /** Delay before every answer (ms). */
  latencyMs: number;
  /** Share of requests answered with HTTP 503 (seeded randomness). */
  errorRate: number;
  /** Seed of the error-rate randomness (setting it restarts the sequence). */
  seed: number;
  /** The next N requests get HTTP 503, whatever the error rate (deterministic "5xx then success"). */
  failNextRequests: number;
  /** Sent as `Retry-After` (seconds) with the injected 503s; null sends none. */
  retryAfterSeconds: number | null;
  /** Detail queries allowed per invoice before code 950 (the spec says 99). */
  detailQueryCap: number;
  /** Invoices per carrierInvChk page. */
  carrierPageSize: number;
};

export const DEFAULT_SIM_KNOBS: SimKnobs = {
  latencyMs: 0,
  errorRate: 0,
  seed: 1,
  failNextRequests: 0,
  retryAfterSeconds: null,
  detailQueryCap: 99,
  carrierPageSize: 10,
};

export type SimRequestCounts = {
  total: number;
  /** Requests answered with an injected HTTP 503. */
  injectedFailures: number;
  byAction: Record<string, number>;
  /** invoice number → action → requests naming it. */
  byInvoice: Record<string, Record<string, number>>;
};

export type SimRecordedRequest = { path: string; action: string; params: Record<string, string>; at: string };

export type SimAnswer = {
  httpStatus: number;
  body: Record<string, unknown> | string;
  headers?: Record<string, string>;
};

const OK = answerHead('200');

function answerHead(code: MofAnswerCode) {
  return { code, msg: MOF_ANSWER_CODES[code].message };
}

function num(value: number): string {
  return String(Math.round(value * 10000) / 10000);
}

export type MofSimState = ReturnType<typeof createMofSimState>;

export function createMofSimState({
  dataset = { invoices: [], carriers: [] },
  clock = systemClock,
  knobs = {},
}: {
  dataset?: SimDataset;
  clock?: Clock;
  knobs?: Partial<SimKnobs>;
} = {}) {
  const initial = { dataset, knobs: { ...DEFAULT_SIM_KNOBS, ...knobs } };
  const invoices = new Map<string, SimInvoice>();
  const carriers = new Map<string, SimCarrier>();
  // Card number → numbers of the invoices stored on it, so a carrier list is not a scan of every invoice.
  const invoicesByCarrier = new Map<string, Set<string>>();
  const detailQueries = new Map<string, number>();
  let currentKnobs: SimKnobs = { ...initial.knobs };
  let random = mulberry32(currentKnobs.seed);
  let clockOverride: Date | undefined;
  let counts: SimRequestCounts;
  const recent: SimRecordedRequest[] = [];

  function resetCounts() {
    counts = { total: 0, injectedFailures: 0, byAction: {}, byInvoice: {} };
    recent.length = 0;
  }

  function put(invoice: SimInvoice) {
    const previous = invoices.get(invoice.invoiceNumber);
    if (previous?.carrierCardNo)
      invoicesByCarrier.get(previous.carrierCardNo)?.delete(previous.invoiceNumber);
    invoices.set(invoice.invoiceNumber, invoice);
    if (invoice.carrierCardNo) {
      let held = invoicesByCarrier.get(invoice.carrierCardNo);
      if (!held) invoicesByCarrier.set(invoice.carrierCardNo, (held = new Set()));
      held.add(invoice.invoiceNumber);
    }
  }

  function load(data: SimDataset) {
    for (const invoice of data.invoices) put(invoice);
    for (const carrier of data.carriers) carriers.set(carrier.cardNo, carrier);
  }

  function reset() {
    invoices.clear();
    invoicesByCarrier.clear();
    carriers.clear();
    detailQueries.clear();
    currentKnobs = { ...initial.knobs };
    random = mulberry32(currentKnobs.seed);
    clockOverride = undefined;
    resetCounts();
    load(initial.dataset);
  }
  resetCounts();
  load(dataset);

  const now = () => clockOverride ?? clock.now();

  function issuedAt(invoice: SimInvoice) {
    return Date.parse(`${invoice.invoiceDate}T${invoice.invoiceTime}+08:00`);
  }

  /** The platform has the invoice once the merchant uploaded it. */
  function isUploaded(invoice: SimInvoice) {
    return now().getTime() >= issuedAt(invoice) + invoice.uploadedAfterHours * 3_600_000;
  }

  function findUploaded(invNum: string | undefined, invDate: string | undefined) {
    if (!invNum || !invDate) return undefined;
    const invoice = invoices.get(invNum);
    if (!invoice || invoice.invoiceDate !== fromMofRequestDate(invDate) || !isUploaded(invoice))
      return undefined;
    return invoice;
  }

  function headerFields(invoice: SimInvoice) {
    return {
      invNum: invoice.invoiceNumber,
      invoiceTime: invoice.invoiceTime,
      invStatus: invoice.status === 'voided' ? '已作廢' : '已確認',
      sellerName: invoice.sellerName,
      invPeriod: periodOfIsoDate(invoice.invoiceDate),
      sellerAddress: invoice.sellerAddress,
      sellerBan: invoice.sellerBan,
      buyerBan: invoice.buyerBan ?? '',
      currency: invoice.currency,
    };
  }

  function compactDate(isoDate: string) {
    return isoDate.replaceAll('-', '');
  }

  function detailRows(invoice: SimInvoice) {
    return invoice.items.map((item, index) => ({
      unitPrice: num(item.unitPrice),
      amount: num(item.amount),
      quantity: num(item.quantity),
      rowNum: String(index + 1),
      description: item.name,
    }));
  }

  function missing(params: Record<string, string>, names: string[]) {
    return names.some((name) => !params[name]);
  }

  function checkCaller(params: Record<string, string>, uuidKey: 'UUID' | 'uuid'): SimAnswer | undefined {
    if (!params.appID) return { httpStatus: 200, body: { v: params.version ?? '', ...answerHead('998') } };
    if (!params[uuidKey]) return { httpStatus: 200, body: { v: params.version ?? '', ...answerHead('997') } };
    return undefined;
  }

  function invApp(params: Record<string, string>): SimAnswer {
    const v = params.version ?? '';
    const caller = checkCaller(params, 'UUID');
    if (caller) return caller;
    if (params.action !== 'qryInvHeader' && params.action !== 'qryInvDetail')
      return { httpStatus: 200, body: { v, ...answerHead('904') } };
    if (params.type !== 'Barcode' && params.type !== 'QRCode')
      return { httpStatus: 200, body: { v, ...answerHead('904') } };
    if (
      missing(params, ['version', 'invNum', 'invDate']) ||
      !/^[A-Z]{2}\d{8}$/.test(params.invNum ?? '') ||
      !fromMofRequestDate(params.invDate ?? '')
    )
      return { httpStatus: 200, body: { v, ...answerHead('903') } };

    if (params.action === 'qryInvHeader') {
      const invoice = findUploaded(params.invNum, params.invDate);
      if (!invoice) return { httpStatus: 200, body: { v, ...answerHead('914') } };
      return {
        httpStatus: 200,
        body: {
          msg: OK.msg,
          code: OK.code,
          ...headerFields(invoice),
          v,
          invDate: compactDate(invoice.invoiceDate),
        },
      };
    }

    // qryInvDetail
    if (
      !/^\d{4}$/.test(params.randomNumber ?? '') ||
      !/^\d{5}$/.test(params.invTerm ?? '') ||
      (params.type === 'QRCode' && missing(params, ['encrypt', 'sellerID']))
    )
      return { httpStatus: 200, body: { v, ...answerHead('903') } };
    const invoice = findUploaded(params.invNum, params.invDate);
    if (!invoice || periodOfIsoDate(invoice.invoiceDate) !== params.invTerm)
      return { httpStatus: 200, body: { v, ...answerHead('914') } };
    const used = (detailQueries.get(invoice.invoiceNumber) ?? 0) + 1;
    detailQueries.set(invoice.invoiceNumber, used);
    if (used > currentKnobs.detailQueryCap) return { httpStatus: 200, body: { v, ...answerHead('950') } };

    const header = {
      msg: OK.msg,
      code: OK.code,
      ...headerFields(invoice),
      invDate: compactDate(invoice.invoiceDate),
    };
    const holdsIt =
      params.randomNumber === invoice.randomCode &&
      (params.type !== 'QRCode' ||
        (params.sellerID === invoice.sellerBan && (!invoice.encrypt || params.encrypt === invoice.encrypt)));
    // A wrong random code still gets the header, but no item list.
    if (!holdsIt) return { httpStatus: 200, body: header };
    return {
      httpStatus: 200,
      body: { ...header, amount: num(invoice.totalAmount), details: detailRows(invoice) },
    };
  }

  function invServ(params: Record<string, string>): SimAnswer {
    const v = params.version ?? '';
    const caller = checkCaller(params, 'uuid');
    if (caller) return caller;
    if (params.action !== 'carrierInvChk' && params.action !== 'carrierInvDetail')
      return { httpStatus: 200, body: { v, ...answerHead('904') } };
    if (params.cardType !== MOBILE_BARCODE_CARD_TYPE)
      return { httpStatus: 200, body: { v, ...answerHead('904') } };
    if (
      missing(params, ['version', 'cardNo', 'cardEncrypt', 'timeStamp', 'expTimeStamp']) ||
      !/^\d+$/.test(params.timeStamp ?? '') ||
      !/^\d+$/.test(params.expTimeStamp ?? '')
    )
      return { httpStatus: 200, body: { v, ...answerHead('903') } };
    const carrier = carriers.get(params.cardNo ?? '');
    if (!carrier || carrier.cardEncrypt !== params.cardEncrypt)
      return { httpStatus: 200, body: { v, ...answerHead('953') } };

    if (params.action === 'carrierInvDetail') {
      const invoice = findUploaded(params.invNum, params.invDate);
      if (!invoice || invoice.carrierCardNo !== carrier.cardNo)
        return { httpStatus: 200, body: { v, ...answerHead('915') } };
      return {
        httpStatus: 200,
        body: {
          v,
          ...OK,
          ...headerFields(invoice),
          invDate: compactDate(invoice.invoiceDate),
          amount: num(invoice.totalAmount),
          details: detailRows(invoice),
        },
      };
    }

    // carrierInvChk
    const from = fromMofRequestDate(params.startDate ?? '');
    const to = fromMofRequestDate(params.endDate ?? '');
    const page = params.page === undefined ? 1 : Number(params.page);
    if (!from || !to || from > to || !Number.isInteger(page) || page < 1)
      return { httpStatus: 200, body: { v, ...answerHead('903') } };
    const held = [...(invoicesByCarrier.get(carrier.cardNo) ?? [])]
      .map((number) => invoices.get(number))
      .filter((invoice): invoice is SimInvoice => invoice !== undefined)
      .filter(
        (invoice) =>
          invoice.carrierCardNo === carrier.cardNo &&
          invoice.invoiceDate >= from &&
          invoice.invoiceDate <= to &&
          isUploaded(invoice),
      )
      .sort((a, b) => issuedAt(a) - issuedAt(b) || a.invoiceNumber.localeCompare(b.invoiceNumber));
    const size = currentKnobs.carrierPageSize;
    const totalPage = Math.max(1, Math.ceil(held.length / size));
    const details = held.slice((page - 1) * size, page * size).map((invoice, index) => ({
      rowNum: String((page - 1) * size + index + 1),
      invNum: invoice.invoiceNumber,
      cardType: MOBILE_BARCODE_CARD_TYPE,
      cardNo: carrier.cardNo,
      sellerName: invoice.sellerName,
      invStatus: invoice.status === 'voided' ? '已作廢' : '已確認',
      invDonatable: 'true',
      amount: num(invoice.totalAmount),
      invPeriod: periodOfIsoDate(invoice.invoiceDate),
      donateMark: '0',
      sellerBan: invoice.sellerBan,
      sellerAddress: invoice.sellerAddress,
      invoiceTime: invoice.invoiceTime,
      buyerBan: invoice.buyerBan ?? '',
      currency: invoice.currency,
      invDate: toJavaDateObject(invoice.invoiceDate, invoice.invoiceTime),
    }));
    return {
      httpStatus: 200,
      body: {
        v,
        ...OK,
        onlyWinningInv: params.onlyWinningInv ?? 'N',
        currentPage: String(page),
        totalPage: String(totalPage),
        details,
      },
    };
  }

  function unavailable(): SimAnswer {
    const retryAfter = currentKnobs.retryAfterSeconds;
    return {
      httpStatus: 503,
      body: 'Service Unavailable',
      headers: retryAfter === null ? undefined : { 'retry-after': String(retryAfter) },
    };
  }

  return {
    now,
    /** Counts the request, then decides whether the knobs make it fail; undefined means "answer it". */
    admit(path: string, params: Record<string, string>): SimAnswer | undefined {
      const action = params.action ?? '(none)';
      counts.total += 1;
      counts.byAction[action] = (counts.byAction[action] ?? 0) + 1;
      if (params.invNum) {
        const perInvoice = (counts.byInvoice[params.invNum] ??= {});
        perInvoice[action] = (perInvoice[action] ?? 0) + 1;
      }
      recent.push({ path, action, params, at: now().toISOString() });
      if (recent.length > 200) recent.shift();
      if (currentKnobs.failNextRequests > 0) {
        currentKnobs.failNextRequests -= 1;
        counts.injectedFailures += 1;
        return unavailable();
      }
      if (currentKnobs.errorRate > 0 && random() < currentKnobs.errorRate) {
        counts.injectedFailures += 1;
        return unavailable();
      }
      return undefined;
    },
    answer(path: string, params: Record<string, string>): SimAnswer {
      if (path === '/PB2CAPIVAN/invapp/InvApp') return invApp(params);
      if (path === '/PB2CAPIVAN/invServ/InvServ') return invServ(params);
      return { httpStatus: 404, body: 'Not Found' };
    },
    knobs: () => ({ ...currentKnobs }),
    setKnobs(patch: Partial<SimKnobs>) {
      currentKnobs = { ...currentKnobs, ...patch };
      if (patch.seed !== undefined) random = mulberry32(patch.seed);
      return { ...currentKnobs };
    },
    addInvoices(input: SimInvoiceInput[]) {
      const parsed = input.map((invoice) => simInvoiceSchema.parse(invoice));
      for (const invoice of parsed) put(invoice);
      return parsed;
    },
    addDataset(input: SimDatasetInput) {
      load(parseSimDataset(input));
    },
    invoice: (invoiceNumber: string) => invoices.get(invoiceNumber),
    /**
     * The merchant voids (or takes back, on a return) an invoice it issued: from now on every answer about
     * it carries `invStatus: 已作廢`, as the platform reports a voided invoice. Undefined: no such invoice.
     */
    voidInvoice(invoiceNumber: string): SimInvoice | undefined {
      const invoice = invoices.get(invoiceNumber);
      if (!invoice) return undefined;
      const voided: SimInvoice = { ...invoice, status: 'voided' };
      put(voided);
      return voided;
    },
    invoiceCount: () => invoices.size,
    setClock(date: Date | string | undefined) {
      clockOverride = date === undefined ? undefined : new Date(date);
      return now();
    },
    advanceHours(hours: number) {
      clockOverride = new Date(now().getTime() + hours * 3_600_000);
      return now();
    },
    requestCounts: (): SimRequestCounts => structuredClone(counts),
    recentRequests: () => [...recent],
    resetRequestCounts: resetCounts,
    reset,
  };
}

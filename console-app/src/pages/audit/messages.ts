import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description': 'Who did what and when on this brand, filterable.',
  },
  'zh-TW': {
    'coming.description': '此品牌中誰在何時做了什麼，可篩選。',
  },
  th: {
    'coming.description': 'ใครทำอะไรเมื่อไรในแบรนด์นี้ กรองได้',
  },
});

import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    'coming.description': 'Invite people to the brand with a role, change roles, and disable accounts.',
  },
  'zh-TW': {
    'coming.description': '邀請成員加入品牌並指定角色、變更角色，以及停用帳號。',
  },
  th: {
    'coming.description': 'เชิญคนเข้าร่วมแบรนด์พร้อมบทบาท เปลี่ยนบทบาท และปิดใช้งานบัญชี',
  },
});

// Korean WhatsApp UI strings (Android and iOS).
// Data only; see types.ts for how each list is matched.

import { pre, re, type LocaleTable } from './types';

export const ko: LocaleTable = {
  lang: 'ko',
  system: [
    pre('메시지와 통화는 종단간 암호화'),
    pre('메시지와 전화는 종단간 암호화'),
    re('보안 코드', /^.+(?:님)?(?:과|와)의 보안 코드가 변경되었습니다/),
    re('그룹', /^.+님이 .*그룹을 만들었습니다/),
    re('초대 링크', /^.+님이 .*초대 링크.*참여했습니다/),
    re('나갔습니다', /^.+님이 나갔습니다$/),
  ],
  systemLoose: [re('초대했습니다', /^.+님이 .+님을 초대했습니다$/), re('내보냈습니다', /^.+님이 .+님을 내보냈습니다$/)],
  media: ['<미디어 파일 제외됨>', '<미디어 생략>', '<미디어 없음>', '사진 생략', '동영상 생략', '오디오 생략', '스티커 생략', '문서 생략'],
  contact: ['연락처 카드 생략'],
  deleted: ['삭제된 메시지입니다', '메시지를 삭제했습니다', '이 메시지는 삭제되었습니다'],
  call: ['부재중 음성 통화', '부재중 영상 통화', '음성 통화', '영상 통화'],
  fileAttached: ['파일 첨부됨', '첨부 파일'],
  am: ['오전'],
  pm: ['오후'],
};
